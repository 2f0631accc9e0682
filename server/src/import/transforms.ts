// The value transforms a mapping can ask for. Each takes the text of one cell and returns the
// new text (or a list, for split), or a reason why the value cannot be read, which rejects the
// row. Phone numbers go through the model's normalizePhone, never a second implementation.
import { normalizePhone } from '@crm-sync/model'
import type { Transform } from './mapping'

export type TransformResult = { ok: true; value: unknown } | { ok: false; reason: string }

const ok = (value: unknown): TransformResult => ({ ok: true, value })
const fail = (reason: string): TransformResult => ({ ok: false, reason })

export function applyTransforms(value: unknown, transforms: readonly Transform[]): TransformResult {
  let current: unknown = value
  for (const t of transforms) {
    const result = applyOne(current, t)
    if (!result.ok) return result
    current = result.value
  }
  return ok(current)
}

function applyOne(value: unknown, t: Transform): TransformResult {
  if (Array.isArray(value)) {
    // Lists (after split) are transformed item by item.
    const out: unknown[] = []
    for (const item of value) {
      const r = applyOne(item, t)
      if (!r.ok) return r
      out.push(r.value)
    }
    return ok(out)
  }
  if (typeof value !== 'string') return ok(value)
  if (typeof t === 'string') {
    switch (t) {
      case 'trim': return ok(value.trim())
      case 'lowercase': return ok(value.toLowerCase())
      case 'uppercase': return ok(value.toUpperCase())
      case 'collapse-spaces': return ok(value.replace(/\s+/g, ' ').trim())
      case 'title-case': return ok(titleCase(value))
      case 'digits-only': return ok(value.replace(/\D+/g, ''))
      case 'json': return parseJson(value)
    }
  }
  if ('phone' in t) {
    if (value.trim() === '') return ok(value)
    const r = normalizePhone(value, t.phone.toUpperCase())
    return r.ok ? ok(r.value) : fail(r.reason)
  }
  if ('date' in t) return parseDate(value, t.date)
  if ('map' in t) return ok(mapValue(value, t.map))
  return ok(value.split(new RegExp(`[${escapeClass(t.split)}]`)))
}

/** "ACME TRADING" → "Acme Trading"; words that already mix cases ("McDonald", "iPhone") are left alone. */
function titleCase(s: string): string {
  return s.replace(/\p{L}[\p{L}'’]*/gu, (w) => (w === w.toUpperCase() || w === w.toLowerCase() ? w[0]!.toUpperCase() + w.slice(1).toLowerCase() : w))
}

function parseJson(s: string): TransformResult {
  if (s.trim() === '') return ok(undefined)
  try {
    return ok(JSON.parse(s))
  } catch {
    return fail('not valid JSON')
  }
}

function mapValue(value: string, table: Readonly<Record<string, string>>): string {
  const key = value.trim().toLowerCase()
  for (const [from, to] of Object.entries(table)) if (from.trim().toLowerCase() === key) return to
  return value
}

const DATE_TOKENS: ReadonlyArray<[string, string, string]> = [
  ['YYYY', '(\\d{4})', 'year'], ['YY', '(\\d{2})', 'year2'], ['MM', '(\\d{2})', 'month'], ['M', '(\\d{1,2})', 'month'],
  ['DD', '(\\d{2})', 'day'], ['D', '(\\d{1,2})', 'day'], ['HH', '(\\d{2})', 'hour'], ['mm', '(\\d{2})', 'minute'], ['ss', '(\\d{2})', 'second'],
]

/** Reads `value` in `pattern`; returns YYYY-MM-DD, or a UTC date-time when the pattern has a time. */
export function parseDate(value: string, pattern: string): TransformResult {
  const s = value.trim()
  if (s === '') return ok(s)
  const parts: string[] = []
  let regex = ''
  for (let i = 0; i < pattern.length;) {
    const token = DATE_TOKENS.find(([t]) => pattern.startsWith(t, i))
    if (token) {
      regex += token[1]
      parts.push(token[2])
      i += token[0].length
    } else {
      regex += escapeRegex(pattern[i]!)
      i++
    }
  }
  const m = new RegExp(`^${regex}$`).exec(s)
  if (!m) return fail(`date does not match ${pattern}`)
  const f: Record<string, number> = { month: 1, day: 1, hour: 0, minute: 0, second: 0 }
  parts.forEach((p, i) => (f[p] = Number(m[i + 1])))
  const year = f['year'] ?? (f['year2'] !== undefined ? 2000 + f['year2']! - (f['year2']! > 69 ? 100 : 0) : undefined)
  if (year === undefined) return fail(`date pattern ${pattern} has no year`)
  const date = new Date(Date.UTC(year, f['month']! - 1, f['day']!, f['hour']!, f['minute']!, f['second']!))
  if (date.getUTCMonth() !== f['month']! - 1 || date.getUTCDate() !== f['day']!) return fail(`${s} is not a real date`)
  const iso = date.toISOString()
  return ok(parts.includes('hour') ? iso : iso.slice(0, 10))
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
const escapeClass = (s: string) => s.replace(/[\]\\^-]/g, '\\$&')
