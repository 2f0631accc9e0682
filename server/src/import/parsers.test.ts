// The format parsers on their own: CSV quirks (BOM, CRLF, quoted delimiters and line breaks,
// detected delimiters), JSON arrays and NDJSON, XML records with attributes, chunk boundaries
// anywhere, and the whole-file errors that must stop an import before it writes.
import { describe, expect, it } from 'vitest'
import { csvRecords } from './csv-records'
import { detectDelimiter } from './delimiter-detection'
import { isImportError } from './import-error'
import { jsonRecords } from './json-records'
import { fixture, fixtureText } from './import-test-kit'
import type { RecordSource, SourceRecord } from './source-record'
import { decodeText } from './text-decoding'
import { xmlRecords } from './xml-records'

/** Feeds bytes in chunks of `size`, so every parser meets boundaries inside tokens and characters. */
async function* chunks(data: string | Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size)
}
const read = async (make: (text: AsyncIterable<string>) => RecordSource, data: string | Uint8Array, size = 3): Promise<SourceRecord[]> => {
  const out: SourceRecord[] = []
  for await (const r of make(decodeText(chunks(data, size)))) out.push(r)
  return out
}
const failure = async (p: Promise<unknown>): Promise<{ code: string; message: string }> => {
  try {
    await p
  } catch (e) {
    if (isImportError(e)) return { code: e.code, message: e.message }
    throw e
  }
  throw new Error('expected an ImportError')
}

describe('CSV', () => {
  it('reads BOM, CRLF, quoted commas, quotes and line breaks, at any chunk size', async () => {
    for (const size of [1, 7, 4096]) {
      const rows = await read(csvRecords, fixture('messy.csv'), size)
      expect(rows).toHaveLength(12)
      expect(rows[0]).toEqual({ row: 1, fields: expect.objectContaining({ Company: 'Acme, Inc.', Street: '1 Market St, Suite 5', Tags: 'b2b; east' }) })
      expect(rows[1]?.fields?.['Notes']).toBe('Met at the fair, hall 3\r\nsecond line')
      expect(rows[1]?.fields?.['Company']).toBe('Müller GmbH')
      expect(rows[9]?.fields?.['Company']).toBe('The "Best" Shop')
      expect(rows[10]).toEqual({ row: 11, error: 'row has 13 cells but the header has 11 columns' })
    }
  })

  it('detects semicolons, tabs and pipes', async () => {
    const rows = await read(csvRecords, fixture('messy-semicolon.csv'))
    expect(rows.map((r) => r.fields?.['Firma'])).toEqual(['Schreinerei Holz & Co', 'Brot; Butter KG', 'Ohne Telefon'])
    expect(rows[2]?.fields?.['Bemerkungen']).toBe('zwei\nZeilen')
    expect(detectDelimiter('a\tb\tc\n1\t2, 3\t4\n')).toBe('\t')
    expect(detectDelimiter('a|b\n1|2\n')).toBe('|')
    expect(detectDelimiter('name,city\n"x; y",z\n')).toBe(',')
  })

  it('names empty and repeated headers', async () => {
    const rows = await read(csvRecords, 'Email,,Email\na,b,c\n')
    expect(rows[0]?.fields).toEqual({ Email: 'a', 'column 2': 'b', 'Email (2)': 'c' })
  })

  it('refuses an unclosed quote as a parse error', async () => {
    expect(await failure(read(csvRecords, 'a,b\n"x,y\n'))).toMatchObject({ code: 'parse-error' })
  })
})

describe('JSON', () => {
  it('streams the elements of a top-level array; a bad element rejects only its row', async () => {
    const rows = await read(jsonRecords, fixture('messy.json'), 5)
    expect(rows).toHaveLength(7)
    expect(rows[0]?.fields).toMatchObject({ company: 'Globex Corporation', address: { city: 'Springfield' }, tags: ['energy', 'Energy', ' large '], employees: 1200 })
    expect(rows[1]?.fields).not.toHaveProperty('email')
    expect(rows[4]).toEqual({ row: 5, error: 'a record must be a JSON object' })
  })

  it('reads NDJSON and pretty-printed objects one after another', async () => {
    const rows = await read(jsonRecords, fixture('messy.ndjson'), 2)
    expect(rows.map((r) => r.fields?.['company'] ?? r.error?.slice(0, 15))).toEqual(['Globex Corporation', 'Initech', 'not valid JSON:', 'Broken', 'Hooli'])
  })

  it('keeps brackets and quotes inside strings', async () => {
    const rows = await read(jsonRecords, '[{"name":"a ] \\"}\\" [","n":[1,{"x":"}"}]}]', 1)
    expect(rows[0]?.fields).toEqual({ name: 'a ] "}" [', n: [1, { x: '}' }] })
  })

  it.each([
    ['an unclosed array', '[{"a":1}'],
    ['records without commas', '[{"a":1} {"b":2}]'],
    ['a truncated record', fixtureText('truncated.ndjson')],
    ['text after the array', '[{"a":1}] x'],
  ])('refuses %s', async (_what, text) => {
    expect(await failure(read(jsonRecords, text))).toMatchObject({ code: 'parse-error' })
  })
})

describe('XML', () => {
  it('reads repeated records with attributes, CDATA and entities; other elements are skipped', async () => {
    const rows = await read((t) => xmlRecords(t, { record: 'account' }), fixture('legacy-accounts.xml'), 11)
    expect(rows).toHaveLength(5)
    expect(rows[0]?.fields).toMatchObject({
      '@id': 'A-100',
      '@status': 'Active',
      name: 'Nordlicht Handel GmbH',
      phone: { '#text': '040 428310', '@type': 'work' },
      address: { '@city': 'Hamburg', '@country': 'DE', street: 'Rathausmarkt 1', zip: '20095' },
      tags: { tag: ['north', 'wholesale'] },
      notes: 'Prefers <email> contact & invoices by post',
    })
    expect(rows[1]?.fields?.['name']).toBe('Café & Co')
  })

  it('takes the first child of the root as the record element by default', async () => {
    const rows = await read(xmlRecords, '<customers><customer id="1"><name>A</name></customer><customer id="2"/><other/></customers>')
    expect(rows.map((r) => r.fields)).toEqual([{ '@id': '1', name: 'A' }, { '@id': '2' }])
  })

  it('rejects a record that is not well-formed inside, and only that record', async () => {
    const rows = await read(xmlRecords, '<r><c><name a=1>x</name></c><c><name>ok</name></c></r>')
    expect(rows[0]).toMatchObject({ row: 1, error: expect.stringContaining('not valid XML') })
    expect(rows[1]?.fields).toEqual({ name: 'ok' })
  })

  it.each([
    ['mismatched tags', '<a><b></a>', 'parse-error'],
    ['plain text', 'hello world', 'parse-error'],
    ['two roots', '<a></a><b/>', 'parse-error'],
    ['a DTD (entity expansion)', '<!DOCTYPE x [<!ENTITY e "xxxxxxxx">]><a>&e;</a>', 'parse-error'],
    ['an unterminated document', '<a><b>', 'parse-error'],
  ])('refuses %s', async (_what, text, code) => {
    expect(await failure(read(xmlRecords, text))).toMatchObject({ code })
  })
})

describe('text decoding', () => {
  it('refuses binary files and invalid UTF-8 up front', async () => {
    expect(await failure(read(csvRecords, fixture('garbage.png.csv')))).toMatchObject({ code: 'binary-content' })
    expect(await failure(read(csvRecords, new Uint8Array([0x41, 0x2c, 0x42, 0x0a, 0xff, 0xfe, 0x41])))).toMatchObject({ code: 'invalid-encoding' })
  })

  it('reads UTF-16 with a byte order mark and Windows-1252 on request', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Name\tCity\r\nMüller\tKöln\r\n', 'utf16le')])
    expect((await read(csvRecords, utf16))[0]?.fields).toEqual({ Name: 'Müller', City: 'Köln' })
    const latin1 = Buffer.from('Name;Ort\nM\xfcller;K\xf6ln\n', 'latin1')
    const rows: SourceRecord[] = []
    for await (const r of csvRecords(decodeText(chunks(latin1, 4), 'windows-1252'))) rows.push(r)
    expect(rows[0]?.fields).toEqual({ Name: 'Müller', Ort: 'Köln' })
  })
})
