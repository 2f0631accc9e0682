// Small readers that turn loosely typed input (form values, JSON, CSV or XML cells) into
// clean field values, reporting one issue per bad field with its dotted path.
import type { NormalizeResult } from './normalize-result'

export type ValidationIssue = { field: string; value: unknown; reason: string }

export class IssueList {
  readonly issues: ValidationIssue[] = []
  add(field: string, value: unknown, reason: string): undefined {
    this.issues.push({ field, value, reason })
    return undefined
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Text, trimmed; blank becomes undefined. Numbers are accepted (spreadsheets love postal codes as numbers). */
export function readText(issues: IssueList, field: string, raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw)
  if (typeof raw !== 'string') return issues.add(field, raw, 'must be text')
  const s = raw.trim()
  return s === '' ? undefined : s
}

export function readNormalized(
  issues: IssueList,
  field: string,
  raw: unknown,
  normalize: (v: string) => NormalizeResult,
): string | undefined {
  const s = readText(issues, field, raw)
  if (s === undefined) return undefined
  const result = normalize(s)
  return result.ok ? result.value : issues.add(field, raw, result.reason)
}

export function readChoice<T extends string>(issues: IssueList, field: string, raw: unknown, choices: readonly T[]): T | undefined {
  const s = readText(issues, field, raw)?.toLowerCase()
  if (s === undefined) return undefined
  return (choices as readonly string[]).includes(s) ? (s as T) : issues.add(field, raw, `must be one of ${choices.join(', ')}`)
}

const TRUE = ['true', 'yes', 'y', '1']
const FALSE = ['false', 'no', 'n', '0']

export function readBoolean(issues: IssueList, field: string, raw: unknown): boolean | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined
  if (typeof raw === 'boolean') return raw
  const s = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim().toLowerCase() : null
  if (s !== null && TRUE.includes(s)) return true
  if (s !== null && FALSE.includes(s)) return false
  return issues.add(field, raw, 'must be true or false')
}

/** A finite number; numeric strings with a dot as decimal separator are accepted. */
export function readNumber(issues: IssueList, field: string, raw: unknown): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN
  return Number.isFinite(n) ? n : issues.add(field, raw, 'must be a number')
}

/** A point in time, normalised to ISO 8601 UTC. */
export function readDateTime(issues: IssueList, field: string, raw: unknown): string | undefined {
  const s = readText(issues, field, raw instanceof Date ? raw.toISOString() : raw)
  if (s === undefined) return undefined
  const ms = /^\d{4}-\d{2}-\d{2}/.test(s) ? Date.parse(s) : NaN
  return Number.isNaN(ms) ? issues.add(field, raw, 'must be an ISO 8601 date-time') : new Date(ms).toISOString()
}

/** A calendar date, YYYY-MM-DD; a date-time is cut to its date. */
export function readDate(issues: IssueList, field: string, raw: unknown): string | undefined {
  const s = readText(issues, field, raw)
  if (s === undefined) return undefined
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(s)
  const date = m ? `${m[1]}-${m[2]}-${m[3]}` : ''
  const ms = m ? Date.parse(`${date}T00:00:00Z`) : NaN
  // Date.parse rolls 2024-02-30 over to March; a round trip catches that.
  const valid = !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(date)
  return valid ? date : issues.add(field, raw, 'must be a date (YYYY-MM-DD)')
}

/** Tags from an array or a comma/semicolon separated string. */
export function readList(issues: IssueList, field: string, raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null) return undefined
  if (typeof raw === 'string') return raw.split(/[,;]/)
  if (Array.isArray(raw) && raw.every((t) => typeof t === 'string')) return raw as string[]
  return issues.add(field, raw, 'must be a list of text')
}

/** Sets a key only when there is a value, so empty input leaves the key absent. */
export function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined && !(Array.isArray(value) && value.length === 0)) target[key] = value
}
