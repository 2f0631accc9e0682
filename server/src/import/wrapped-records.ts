// Files whose records sit one level deeper than the importer looks: `{"customers": [{…}, {…}]}`
// in JSON, `<export><customers><customer>…` in XML. Read as they are, they are one record
// holding a list, and a suggested mapping would take the first customer's name and silently
// drop the others. Refused instead, saying how to send the file. A file too big for one record
// is recognised from its first MAX_RECORD_CHARS (the splitters call in here), never read whole.
import { ImportError, isImportError } from './import-error'
import type { ImportFormat } from './import-format'
import { sourceColumns, type Mapping } from './mapping'
import type { SourceValue } from './source-record'

type Sample = Readonly<Record<string, SourceValue>>

/** A customer's own lists (values as a whole when listing JSON/XML columns): never a wrapper. */
export const LIST_FIELDS: ReadonlySet<string> = new Set(['tags', 'contacts', 'deals', 'activities'])

/** A refusal of the mapping, explained when the only record is a wrapper around a list. */
export function explainWrapped(e: unknown, format: ImportFormat, samples: readonly Sample[]): unknown {
  if (!isImportError(e, 'no-name-column') && !isImportError(e, 'missing-columns')) return e
  if (samples.length !== 1) return e
  const list = Object.entries(samples[0]!).find(([k, v]) => !LIST_FIELDS.has(k) && isRecordList(v))
  // The refusal's own message first (it may be all there is to it, a typo in the mapping), then why.
  return list ? new ImportError(e.code, `${e.message}; ${wrappedMessage(format, list[0], (list[1] as unknown[]).length)}`, e.details, { cause: e }) : e
}

/** A suggested name column that is, or reaches into, a list of several records: the records are wrapped. */
export function checkNameNotInList(mapping: Mapping, format: ImportFormat, samples: readonly Sample[]): void {
  const name = mapping.fields.name
  if (!name || format === 'csv') return
  for (const column of sourceColumns(name)) {
    const head = column.split('.')[0]!
    const wrapped = samples.find((s) => isRecordList(s[head]) && (s[head] as unknown[]).length > 1)
    if (wrapped) {
      throw new ImportError('no-name-column', wrappedMessage(format, head, (wrapped[head] as unknown[]).length), { column })
    }
  }
}

const isRecordList = (v: SourceValue | undefined): boolean =>
  Array.isArray(v) && v.some((x) => typeof x === 'object' && x !== null && !Array.isArray(x))

/** Why the file is one record holding the others, and how to send it; `items` when known. */
export function wrappedMessage(format: ImportFormat, field: string, items?: number): string {
  const fix = format === 'xml'
    ? `name the record element in the mapping ("record": "${field.replace(/^@/, '')}")`
    : 'the records must be the elements of a top-level array, or one object per line (NDJSON), not wrapped in an object'
  return `the file is one record whose "${field}" holds a list of ${items === undefined ? 'many' : items} records; ${fix}`
}

/** The elements of XML lists named after a customer's own lists (`<contact>` in `<contacts>`): never a wrapper. */
export const LIST_ITEMS: ReadonlySet<string> = new Set(['tag', 'contact', 'deal', 'activity'])

/**
 * The key of a top-level list of at least two objects in the start of a JSON object too large
 * to parse (`{"customers": [{…}, {…}, …`), if it has one that is not a customer's own list.
 * Tracks only strings and nesting, like the splitter that found the record too large.
 */
export function wrappedJsonList(text: string): string | undefined {
  let depth = 0
  let inString = false
  let escaped = false
  let token = ''
  let key = ''
  let list: { key: string; items: number } | undefined
  for (const ch of text) {
    if (inString) {
      if (escaped) escaped = false
      else if (ch === '\\') escaped = true
      else if (ch === '"') inString = false
      else if (depth === 1 && token.length < 200) token += ch
      continue
    }
    if (ch === '"') {
      inString = true
      token = ''
    } else if (ch === ':' && depth === 1) key = token
    else if (ch === '{' || ch === '[') {
      depth++
      if (ch === '[' && depth === 2) list = { key, items: 0 }
    } else if (ch === '}' || ch === ']') {
      if (ch === '}' && depth === 3 && list) list.items++
      depth--
      if (depth === 1 && list) {
        if (list.items >= 2 && !LIST_FIELDS.has(list.key)) return list.key
        list = undefined
      }
    }
  }
  return list && list.items >= 2 && !LIST_FIELDS.has(list.key) ? list.key : undefined
}
