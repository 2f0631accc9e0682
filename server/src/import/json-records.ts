// JSON records: a top-level array of objects, or NDJSON (one object per line), streamed by
// splitJsonValues. A record that is not valid JSON, or not an object, rejects only its row.
import { splitJsonValues } from './json-value-splitter'
import { setField, type RecordSource, type SourceRecord, type SourceValue } from './source-record'

/** Deeper than this, a record is not a customer; and recursion must stop before the stack does. */
const MAX_DEPTH = 64

export function jsonRecords(text: AsyncIterable<string>): RecordSource {
  return {
    columns: () => undefined,
    async *[Symbol.asyncIterator](): AsyncGenerator<SourceRecord> {
      let row = 0
      for await (const raw of splitJsonValues(text)) {
        row++
        let value: unknown
        try {
          value = JSON.parse(raw)
        } catch (e) {
          yield { row, error: `not valid JSON: ${(e as Error).message}` }
          continue
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          yield { row, error: 'a record must be a JSON object' }
          continue
        }
        const fields = toSourceFields(value as Record<string, unknown>, 1)
        yield fields === undefined ? { row, error: `the record is nested more than ${MAX_DEPTH} levels deep` } : { row, fields }
      }
    },
  }
}

/** null becomes absent (cleaning would drop it anyway); undefined when nested too deep. */
function toSourceFields(obj: Record<string, unknown>, depth: number): Record<string, SourceValue> | undefined {
  if (depth > MAX_DEPTH) return undefined
  const out: Record<string, SourceValue> = {}
  for (const [k, v] of Object.entries(obj)) {
    const value = toSourceValue(v, depth)
    if (value === TOO_DEEP) return undefined
    if (value !== undefined) setField(out, k, value)
  }
  return out
}

const TOO_DEEP = Symbol('too deep')

function toSourceValue(v: unknown, depth: number): SourceValue | undefined | typeof TOO_DEEP {
  if (v === null || v === undefined) return undefined
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v
  if (Array.isArray(v)) {
    if (depth + 1 > MAX_DEPTH) return TOO_DEEP
    const out: SourceValue[] = []
    for (const x of v) {
      const value = toSourceValue(x, depth + 1)
      if (value === TOO_DEEP) return TOO_DEEP
      if (value !== undefined) out.push(value)
    }
    return out
  }
  if (typeof v === 'object') return toSourceFields(v as Record<string, unknown>, depth + 1) ?? TOO_DEEP
  return undefined
}
