// Cuts a stream of JSON text into its records without holding the whole file: the elements of
// a top-level array, or a sequence of top-level values (NDJSON, one object per line, or
// pretty-printed objects one after another). Each record's text then goes to JSON.parse.
// Node has no incremental JSON parser and none is among our dependencies; this splitter only
// tracks strings and nesting, so memory is one record (capped) however large the file is.
import { ImportError } from './import-error'
import { MAX_RECORD_CHARS } from './source-record'
import { wrappedJsonList, wrappedMessage } from './wrapped-records'

const isSpace = (ch: string) => ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t'

export async function* splitJsonValues(text: AsyncIterable<string>): AsyncGenerator<string> {
  let mode: 'unknown' | 'array' | 'sequence' | 'done' = 'unknown'
  let inRecord = false
  let kind: 'nested' | 'string' | 'scalar' = 'nested'
  let depth = 0
  let inString = false
  let escaped = false
  let expectComma = false
  let record = ''
  let line = 1
  let recordLine = 1

  const malformed = (message: string) => new ImportError('parse-error', `JSON is malformed near line ${line}: ${message}`, { line })
  // Checked on the record as a whole, not only per chunk, so the outcome never depends on how
  // the upload was cut into chunks (the check pass and the import must agree).
  let records = 0
  const sized = (text: string) => {
    if (text.length <= MAX_RECORD_CHARS) return text
    throw tooLarge(text.slice(0, MAX_RECORD_CHARS + 1))
  }
  /** Says why, from the same first characters of the record however the upload was cut. */
  const tooLarge = (head: string) => {
    const limit = `longer than ${MAX_RECORD_CHARS} characters, the most one record may take`
    const at = { line: recordLine }
    // A file that is one big object ({"customers": [...]}) is one record, not a list of them.
    const wrapper = mode === 'sequence' && records === 0 ? wrappedJsonList(head) : undefined
    if (wrapper !== undefined) return new ImportError('record-too-large', `the JSON record starting on line ${recordLine} is ${limit}; ${wrappedMessage('json', wrapper)}`, at)
    // JSON text holds no raw line break inside a string: a record without one is one NDJSON line.
    if (mode === 'sequence' && !head.includes('\n')) return new ImportError('record-too-large', `line ${recordLine} is one JSON record ${limit} (in NDJSON, each line is one record)`, at)
    return new ImportError('record-too-large', `the JSON record starting on line ${recordLine} is ${limit}`, at)
  }

  for await (const chunk of text) {
    let start = 0
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i]!
      if (ch === '\n') line++
      if (inRecord) {
        let end = -1
        if (inString) {
          if (escaped) escaped = false
          else if (ch === '\\') escaped = true
          else if (ch === '"') {
            inString = false
            if (kind === 'string') end = i + 1
          }
        } else if (kind === 'scalar') {
          if (isSpace(ch) || ch === ',' || ch === ']' || ch === '{' || ch === '[') {
            end = i
            i-- // the delimiter belongs to the structure around the record: read it again
            if (ch === '\n') line--
          }
        } else if (ch === '"') inString = true
        else if (ch === '{' || ch === '[') depth++
        else if (ch === '}' || ch === ']') {
          depth--
          if (depth === 0) end = i + 1
        }
        if (end >= 0) {
          const out = sized(record + chunk.slice(start, end))
          record = ''
          inRecord = false
          expectComma = mode === 'array'
          records++
          yield out
        }
        continue
      }
      if (isSpace(ch)) continue
      if (mode === 'done') throw malformed('text after the end of the top-level array')
      if (mode === 'unknown') {
        mode = ch === '[' ? 'array' : 'sequence'
        if (mode === 'array') continue
      }
      if (mode === 'array') {
        if (ch === ']') {
          mode = 'done'
          continue
        }
        if (expectComma) {
          if (ch !== ',') throw malformed(`expected "," or "]" after a record, found "${ch}"`)
          expectComma = false
          continue
        }
        if (ch === ',') throw malformed('unexpected ","')
      }
      if (ch === '}' || ch === ']') throw malformed(`unexpected "${ch}"`)
      // NDJSON holds objects; bare text at the top level means this is not JSON at all.
      if (mode === 'sequence' && ch !== '{' && ch !== '[') throw malformed(`expected "{" or "[", found "${ch}"`)
      inRecord = true
      recordLine = line
      start = i
      kind = ch === '{' || ch === '[' ? 'nested' : ch === '"' ? 'string' : 'scalar'
      depth = kind === 'nested' ? 1 : 0
      inString = kind === 'string'
    }
    if (inRecord) {
      record = sized(record + chunk.slice(start))
    }
  }
  if (inRecord) {
    if (kind !== 'scalar') throw malformed('the file ends inside a record')
    yield sized(record)
  }
  if (mode === 'array') throw malformed('the top-level array is not closed')
}
