// A record too large to read says why when it can tell from the record's first characters:
// a JSON or XML file whose records are wrapped one level too deep gets the way to send it, an
// oversized NDJSON line is called that (not a wrapper), and a customer's own long lists are
// never taken for a wrapper. The same message at every chunk size.
import { describe, expect, it } from 'vitest'
import { isImportError } from './import-error'
import { jsonRecords } from './json-records'
import { MAX_RECORD_CHARS, type RecordSource } from './source-record'
import { decodeText } from './text-decoding'
import { xmlRecords } from './xml-records'

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size)
}

/** The refusal's message, the same at every chunk size (the whole file as one chunk included). */
async function refusal(make: (text: AsyncIterable<string>) => RecordSource, text: string, sizes = [1024, 64 * 1024]): Promise<string> {
  const bytes = new TextEncoder().encode(text)
  const messages = new Set<string>()
  for (const size of [...sizes, bytes.length]) {
    try {
      for await (const _ of make(decodeText(chunks(bytes, size)))) void _
      throw new Error('expected the file to be refused')
    } catch (e) {
      if (!isImportError(e, 'record-too-large')) throw e
      messages.add(e.message)
    }
  }
  expect(messages.size).toBe(1)
  return [...messages][0]!
}

const json = (t: AsyncIterable<string>) => jsonRecords(t)
const xml = (t: AsyncIterable<string>) => xmlRecords(t)
const customers = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `Customer ${i}`, email: `c${i}@example.com`, notes: 'x'.repeat(200) }))
const WRAPPED_JSON = 'the file is one record whose "customers" holds a list of many records; the records must be the elements of a top-level array'
const NDJSON_LINE = 'is one JSON record longer than 1000000 characters, the most one record may take (in NDJSON, each line is one record)'

describe('JSON', () => {
  it('a wrapper object, on one line or pretty-printed, says to send a top-level array or NDJSON', async () => {
    expect(await refusal(json, JSON.stringify({ exportedAt: '2024-01-01', customers: customers(5000) }))).toContain(WRAPPED_JSON)
    expect(await refusal(json, JSON.stringify({ customers: customers(5000) }, null, 2))).toContain(WRAPPED_JSON)
  })

  it('an NDJSON line too large is called that, not a wrapper', async () => {
    const big = JSON.stringify({ name: 'Big', notes: 'x'.repeat(MAX_RECORD_CHARS) })
    const first = await refusal(json, `${big}\n${JSON.stringify({ name: 'After' })}\n`)
    expect(first).toBe(`line 1 ${NDJSON_LINE}`)
    expect(await refusal(json, `${JSON.stringify({ name: 'Before' })}\n${big}\n`)).toBe(`line 2 ${NDJSON_LINE}`)
  })

  it("a customer's own long list (activities) is not a wrapper", async () => {
    const activities = Array.from({ length: 20_000 }, (_, i) => ({ type: 'call', text: `Call number ${i} about the order`, at: '2024-01-01' }))
    const message = await refusal(json, `${JSON.stringify({ name: 'Busy Co', activities })}\n`)
    expect(message).toBe(`line 1 ${NDJSON_LINE}`)
  })
})

describe('XML', () => {
  const record = (i: number) => `<customer id="${i}"><name>Customer ${i}</name><notes>${'x'.repeat(200)}</notes></customer>`

  it('records one level too deep say to name the record element', async () => {
    const file = `<export><customers>\n${Array.from({ length: 5000 }, (_, i) => record(i)).join('\n')}\n</customers></export>`
    expect(await refusal(xml, file)).toContain('; the file is one record whose "customer" holds a list of many records; name the record element in the mapping ("record": "customer")')
  })

  it('is judged from the wrapper\'s first 1,000,000 characters, not from what a chunk held past them', async () => {
    // Customers fill the first 1,000,000 characters; the notes after them would outnumber them.
    const notes = '<note>n</note>'.repeat(20_000)
    const file = `<export><customers>\n${Array.from({ length: 4500 }, (_, i) => record(i)).join('\n')}\n${notes}</customers></export>`
    expect(await refusal(xml, file, [1024, 7_777, 64 * 1024, 1024 * 1024])).toContain('name the record element in the mapping ("record": "customer")')
  })

  it('one customer too large, or one with many activities, gets no such hint', async () => {
    const big = `<customers><customer><name>Big</name><notes>${'x'.repeat(MAX_RECORD_CHARS)}</notes></customer></customers>`
    expect(await refusal(xml, big)).not.toContain('record element')
    const activity = (i: number) => `<activity><type>call</type><text>Call ${i}</text></activity>`
    const busy = `<customers><customer><name>Busy</name>${Array.from({ length: 20_000 }, (_, i) => activity(i)).join('')}</customer></customers>`
    expect(await refusal(xml, busy)).not.toContain('record element')
  })
})
