// Cleaning before validation: empty and null-like values are dropped ("", "NULL", "n/a", ...),
// text is trimmed and runs of whitespace (line breaks included) become one space, except in
// free text (notes, activity text) where line breaks are content. Case is normalised where it
// carries no meaning by the model's normalisers (email, website host, country, status, tags).
// Rows that carry a customer id come from an export of this system: their text is already
// clean and is kept as it is (only trimmed), so an export imports back verbatim.

const FREE_TEXT = new Set(['notes', 'text'])

export function cleanInput(input: Readonly<Record<string, unknown>>, nullValues: readonly string[]): Record<string, unknown> {
  const nulls = new Set(nullValues.map((v) => v.trim().toLowerCase()))
  const collapse = input['id'] === undefined
  return (cleanValue(input, '', nulls, collapse) as Record<string, unknown> | undefined) ?? {}
}

function cleanValue(value: unknown, key: string, nulls: ReadonlySet<string>, collapse: boolean): unknown {
  if (value === null || value === undefined) return undefined
  if (typeof value === 'string') {
    const trimmed = value.trim()
    if (trimmed === '' || nulls.has(trimmed.toLowerCase())) return undefined
    // Free text keeps its inner whitespace; the model decides about its ends.
    if (FREE_TEXT.has(key)) return value
    return collapse ? trimmed.replace(/\s+/g, ' ') : trimmed
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => cleanValue(v, key, nulls, collapse)).filter((v) => v !== undefined)
    return items.length > 0 ? items : undefined
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      const cleaned = cleanValue(v, k, nulls, collapse)
      if (cleaned !== undefined) out[k] = cleaned
    }
    return Object.keys(out).length > 0 ? out : undefined
  }
  return value
}
