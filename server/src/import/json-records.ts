// JSON records: a top-level array of objects, or NDJSON (one object per line), streamed by
// splitJsonValues. A record that is not valid JSON, or not an object, rejects only its row.
import { splitJsonValues } from './json-value-splitter'
import type { RecordSource, SourceRecord, SourceValue } from './source-record'

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
        yield { row, fields: toSourceFields(value as Record<string, unknown>) }
      }
    },
  }
}

/** null becomes absent (cleaning would drop it anyway). */
function toSourceFields(obj: Record<string, unknown>): Record<string, SourceValue> {
  const out: Record<string, SourceValue> = {}
  for (const [k, v] of Object.entries(obj)) {
    const value = toSourceValue(v)
    if (value !== undefined) out[k] = value
  }
  return out
}

function toSourceValue(v: unknown): SourceValue | undefined {
  if (v === null || v === undefined) return undefined
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v
  if (Array.isArray(v)) return v.map(toSourceValue).filter((x): x is SourceValue => x !== undefined)
  if (typeof v === 'object') return toSourceFields(v as Record<string, unknown>)
  return undefined
}
