// CSV records, streamed through csv-parse: header row, detected delimiter, quoted fields with
// delimiters and line breaks, CRLF or LF, BOM (already removed by decodeText). Memory is one
// record (capped at MAX_RECORD_CHARS) plus csv-parse's read-ahead, whatever the file size.
import { Readable } from 'node:stream'
import { parse, type Parser } from 'csv-parse'
import { detectDelimiter } from './delimiter-detection'
import { ImportError } from './import-error'
import { MAX_RECORD_CHARS, setField, type RecordSource, type SourceRecord } from './source-record'

const SNIFF_CHARS = 64 * 1024

export interface CsvOptions {
  /** Overrides detection. */
  readonly delimiter?: string
}

export function csvRecords(text: AsyncIterable<string>, opts: CsvOptions = {}): RecordSource {
  let header: string[] | undefined
  return {
    columns: () => header,
    async *[Symbol.asyncIterator](): AsyncGenerator<SourceRecord> {
      const { head, rest } = await peekText(text, SNIFF_CHARS)
      const parser: Parser = parse({
        // Exactly the first SNIFF_CHARS: how much peekText got depends on the chunks, and the
        // check pass and the import must detect the same delimiter.
        delimiter: opts.delimiter ?? detectDelimiter(head.slice(0, SNIFF_CHARS)),
        relax_quotes: true,
        relax_column_count: true,
        skip_empty_lines: true,
        max_record_size: MAX_RECORD_CHARS,
      })
      const source = Readable.from(prepend(head, rest), { objectMode: false })
      source.on('error', (e) => parser.destroy(e))
      source.pipe(parser)
      let row = 0
      try {
        for await (const cells of parser as AsyncIterable<string[]>) {
          if (!header) {
            header = headerNames(cells)
            continue
          }
          row++
          yield toRecord(row, header, cells)
        }
      } catch (e) {
        throw asImportError(e)
      } finally {
        source.destroy()
        parser.destroy()
        void rest.return?.()
      }
    },
  }
}

function toRecord(row: number, header: readonly string[], cells: readonly string[]): SourceRecord {
  const extra = cells.slice(header.length)
  if (extra.some((c) => c.trim() !== '')) {
    return { row, error: `row has ${cells.length} cells but the header has ${header.length} columns` }
  }
  const fields: Record<string, string> = {}
  header.forEach((name, i) => {
    const cell = cells[i]
    if (cell !== undefined) setField(fields, name, cell)
  })
  return { row, fields }
}

/**
 * Trimmed, unique, never empty: "Email", "Email" becomes "Email", "Email (2)". A made-up name
 * never takes one the file uses itself ("Email", "Email", "Email (2)" → … "Email (3)", "Email (2)"),
 * else two columns would share a name and one's cells would be lost.
 */
function headerNames(cells: readonly string[]): string[] {
  const bases = cells.map((raw, i) => raw.trim() || `column ${i + 1}`)
  const taken = new Set<string>()
  const given = new Set(bases)
  // Where each base's numbering goes on: N repeats of one name cost N steps, not N²/2 (a header
  // row of 500,000 "a"s fits in one record).
  const nextNumber = new Map<string, number>()
  return bases.map((base) => {
    let name = base
    let n = nextNumber.get(base) ?? 2
    for (; taken.has(name) || (name !== base && given.has(name)); n++) name = `${base} (${n})`
    if (name !== base) nextNumber.set(base, n)
    taken.add(name)
    return name
  })
}

function asImportError(e: unknown): unknown {
  if (e instanceof ImportError) return e
  const err = e as { code?: unknown; message?: unknown; lines?: unknown }
  if (typeof err?.code === 'string' && err.code.startsWith('CSV_')) {
    const tooBig = err.code === 'CSV_MAX_RECORD_SIZE'
    return new ImportError(tooBig ? 'record-too-large' : 'parse-error', `CSV is malformed near line ${String(err.lines ?? '?')}: ${String(err.message)}`, { line: err.lines }, { cause: e })
  }
  return e
}

/** Reads at least `chars` characters (or everything) so the delimiter can be guessed. */
async function peekText(text: AsyncIterable<string>, chars: number): Promise<{ head: string; rest: AsyncIterator<string> }> {
  const it = text[Symbol.asyncIterator]()
  let head = ''
  while (head.length < chars) {
    const next = await it.next()
    if (next.done) break
    head += next.value
  }
  return { head, rest: it }
}

async function* prepend(head: string, rest: AsyncIterator<string>): AsyncGenerator<string> {
  if (head !== '') yield head
  for (;;) {
    const next = await rest.next()
    if (next.done) return
    yield next.value
  }
}
