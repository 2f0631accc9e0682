// An import parses its file twice (the check pass over the upload as it arrives, the import
// over the spooled copy, cut into other chunks), so a parser's outcome must not depend on
// where the chunks end: the same records, or the same whole-file error, at every chunk size.
import { describe, expect, it } from 'vitest'
import { csvRecords } from './csv-records'
import { isImportError } from './import-error'
import { jsonRecords } from './json-records'
import { MAX_RECORD_CHARS, type RecordSource } from './source-record'
import { decodeText } from './text-decoding'
import { xmlRecords } from './xml-records'

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size)
}

/** The records, or the error code, of `text` read in chunks of `size` bytes. */
async function outcome(make: (text: AsyncIterable<string>) => RecordSource, text: string, size: number): Promise<unknown> {
  const bytes = new TextEncoder().encode(text)
  const rows: unknown[] = []
  try {
    for await (const r of make(decodeText(chunks(bytes, size)))) rows.push(r.fields ? Object.keys(r.fields).length : r.error)
    return rows
  } catch (e) {
    if (isImportError(e)) return e.code
    throw e
  }
}

const sizes = (text: string) => [1024, 64 * 1024, text.length]

async function sameAtEveryChunkSize(make: (text: AsyncIterable<string>) => RecordSource, text: string): Promise<unknown> {
  const outcomes = []
  for (const size of sizes(text)) outcomes.push(await outcome(make, text, size))
  for (const o of outcomes) expect(o).toEqual(outcomes[0])
  return outcomes[0]
}

describe('parsers give the same outcome whatever the chunks', () => {
  it('JSON: a record just over the limit is too large at every chunk size; one at the limit is fine', async () => {
    const record = (chars: number) => {
      const shell = JSON.stringify({ name: 'Big', notes: '' })
      return JSON.stringify({ name: 'Big', notes: 'x'.repeat(chars - shell.length) })
    }
    const file = (chars: number) => `[${JSON.stringify({ name: 'Small' })},\n${record(chars)},\n${JSON.stringify({ name: 'After' })}]`
    expect(await sameAtEveryChunkSize(jsonRecords, file(MAX_RECORD_CHARS + 5))).toBe('record-too-large')
    expect(await sameAtEveryChunkSize(jsonRecords, file(MAX_RECORD_CHARS))).toEqual([1, 2, 1])
  })

  it('XML: a record just over the limit is too large at every chunk size; one at the limit is fine', async () => {
    const record = (chars: number) => {
      const shell = '<customer><name>Big</name><notes></notes></customer>'
      return `<customer><name>Big</name><notes>${'x'.repeat(chars - shell.length)}</notes></customer>`
    }
    const file = (chars: number) => `<customers><customer><name>Small</name></customer>\n${record(chars)}\n<customer><name>After</name></customer></customers>`
    expect(await sameAtEveryChunkSize((t) => xmlRecords(t), file(MAX_RECORD_CHARS + 5))).toBe('record-too-large')
    expect(await sameAtEveryChunkSize((t) => xmlRecords(t), file(MAX_RECORD_CHARS))).toEqual([1, 2, 1])
  })

  it('CSV: the delimiter is detected from the same text, however long the first lines are', async () => {
    // The first 13 lines say ";" (2 per line, against 1 ","); the next 7 say ",". Lines are
    // 5,000 characters long, so the sniffed head holds 13 or 20 lines depending on the chunks.
    const filler = (i: number) => `N${String(i).padStart(2, '0')}${'x'.repeat(4990)}`
    const lines = Array.from({ length: 20 }, (_, i) => (i < 13 ? `${filler(i)};b,c;d` : `${filler(i)},c`))
    const records = (await sameAtEveryChunkSize((t) => csvRecords(t), `${lines.join('\n')}\n`)) as unknown[]
    expect(records[0]).toBe(3) // three ";"-separated columns
  })
})
