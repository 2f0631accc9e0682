// Odd but legal input, through the real server: it must import what it can, reject only the
// rows it cannot read (never fail the whole import with an internal error), and lose no cell.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/test-server'
import { byName, createBook, customersOf, errorOf, importOk, postImport } from './import-test-kit'

describe('import of odd input', () => {
  let server: TestServer
  let alice = ''
  let book = 0
  const freshBook = async () => {
    const id = `odd-${++book}`
    await createBook(server, alice, id)
    return id
  }

  beforeAll(async () => {
    server = await startTestServer()
    alice = await server.token('alice')
  })
  afterAll(async () => {
    await server.dispose()
  })

  it('keeps every cell of repeated CSV headers, even when the file already uses a made-up name', async () => {
    const id = await freshBook()
    const mapping = JSON.stringify({ fields: { name: 'Company', notes: { from: ['Note', 'Note (2)', 'Note (3)'], join: ' | ' } } })
    const report = await importOk(server, id, 'Company,Note,Note,Note (2)\nRepeat Co,first,second,third\n', { token: alice, format: 'csv', query: { mapping } })
    expect(report).toMatchObject({ imported: 1, rejectedRows: 0 })
    expect(byName(await customersOf(server, id), 'Repeat Co').notes).toBe('first | third | second')
  })

  it('names 100,000 repeats of one CSV header (quadratic naming took minutes for that, and a 1 MB header row hours, with the server stopped)', async () => {
    const id = await freshBook()
    const header = ['Company', ...Array.from({ length: 100_000 }, () => 'a')].join(',')
    const mapping = JSON.stringify({ fields: { name: 'Company', industry: 'a (100000)' } })
    const report = await importOk(server, id, `${header}\nMany Columns Co${',x'.repeat(99_999)},Last\n`, { token: alice, format: 'csv', query: { mapping } })
    expect(report).toMatchObject({ imported: 1 })
    expect(byName(await customersOf(server, id), 'Many Columns Co').industry).toBe('Last')
  })

  it('a one-record file whose contacts hold a list is not called wrapped: a mapping typo is reported as such', async () => {
    const id = await freshBook()
    const file = JSON.stringify([{ company: 'Acme', contacts: [{ firstName: 'A' }, { firstName: 'B' }] }])
    const res = await postImport(server, id, file, { token: alice, format: 'json', query: { mapping: JSON.stringify({ fields: { name: 'compnay' } }) } })
    expect(res.status).toBe(422)
    const error = await errorOf(res)
    expect(error.code).toBe('missing-columns')
    expect(error.message).toContain('compnay')
    expect(error.message).not.toContain('wrapped')
  })

  it('reads a CSV column named __proto__ like any other', async () => {
    const id = await freshBook()
    const mapping = JSON.stringify({ fields: { name: 'Company', industry: '__proto__' } })
    await importOk(server, id, 'Company,__proto__\nProto Co,Retail\n', { token: alice, format: 'csv', query: { mapping } })
    expect(byName(await customersOf(server, id), 'Proto Co').industry).toBe('Retail')
  })

  it('keeps a JSON object under "__proto__" as a nested object of the record, addressed by its path', async () => {
    const id = await freshBook()
    const file = `${JSON.stringify({ name: 'Shadow Co' }).slice(0, -1)},"__proto__":{"email":"hidden@example.com"}}\n`
    const mapping = JSON.stringify({ fields: { name: 'name', notes: '__proto__.email' } })
    const report = await importOk(server, id, file, { token: alice, format: 'json', query: { mapping } })
    expect(report).toMatchObject({ imported: 1, rejectedRows: 0 })
    expect(byName(await customersOf(server, id), 'Shadow Co')).toMatchObject({ notes: 'hidden@example.com' })
  })

  it('rejects only the JSON record nested too deep for the stack', async () => {
    const id = await freshBook()
    const deep = `{"name":"Deep Co","extra":${'['.repeat(200_000)}${']'.repeat(200_000)}}`
    const file = [JSON.stringify({ name: 'Before Co' }), deep, JSON.stringify({ name: 'After Co' })].join('\n')
    const report = await importOk(server, id, file, { token: alice, format: 'json' })
    expect(report).toMatchObject({ rows: 3, imported: 2, rejectedRows: 1, rejected: [{ row: 2, reason: 'the record is nested more than 64 levels deep' }] })
    expect((await customersOf(server, id)).map((c) => c.name).sort()).toEqual(['After Co', 'Before Co'])
  })

  it('rejects only the XML record the parser refuses (an element named __proto__)', async () => {
    const id = await freshBook()
    const file = '<customers><customer><name>Fine Co</name></customer><customer><name>Odd Co</name><__proto__><email>x@example.com</email></__proto__></customer><customer><name>Also Fine</name></customer></customers>'
    const report = await importOk(server, id, file, { token: alice, format: 'xml' })
    expect(report).toMatchObject({ rows: 3, imported: 2, rejectedRows: 1, rejected: [{ row: 2, reason: expect.stringContaining('__proto__') }] })
  })

  it('says why a JSON file wrapped in an object is refused, small or too large for one record', async () => {
    const id = await freshBook()
    const records = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `Wrapped ${i}`, notes: 'x'.repeat(100) }))
    const small = await postImport(server, id, JSON.stringify({ customers: records(3) }), { token: alice, format: 'json' })
    expect(small.status).toBe(422)
    expect((await errorOf(small)).message).toContain('the file is one record whose "customers" holds a list of 3 records; the records must be the elements of a top-level array')
    const large = await postImport(server, id, JSON.stringify({ customers: records(10_000) }), { token: alice, format: 'json' })
    expect(large.status).toBe(413)
    expect((await errorOf(large)).message).toContain('the records must be the elements of a top-level array')
    expect(await customersOf(server, id)).toEqual([])
  })

  it('says to name the record element when an XML file nests its records one level deeper, small or too large for one record', async () => {
    const id = await freshBook()
    const file = '<export><customers><customer><name>A</name></customer><customer><name>B</name></customer></customers></export>'
    const res = await postImport(server, id, file, { token: alice, format: 'xml' })
    expect(res.status).toBe(422)
    expect((await errorOf(res)).message).toContain('name the record element in the mapping ("record": "customer")')
    const records = Array.from({ length: 5000 }, (_, i) => `<customer><name>Deep ${i}</name><notes>${'x'.repeat(200)}</notes></customer>`)
    const large = await postImport(server, id, `<export><customers>${records.join('\n')}</customers></export>`, { token: alice, format: 'xml' })
    expect(large.status).toBe(413)
    expect((await errorOf(large)).message).toContain('name the record element in the mapping ("record": "customer")')
    expect(await customersOf(server, id)).toEqual([])
  })

  it('calls an NDJSON line too large for one record that, not a wrapped file', async () => {
    const id = await freshBook()
    const file = `${JSON.stringify({ name: 'Huge', notes: 'x'.repeat(1_000_001) })}\n${JSON.stringify({ name: 'Small' })}\n`
    const res = await postImport(server, id, file, { token: alice, format: 'json' })
    expect(res.status).toBe(413)
    const message = (await errorOf(res)).message
    expect(message).toContain('line 1 is one JSON record longer than 1000000 characters')
    expect(message).not.toContain('wrapped')
    expect(await customersOf(server, id)).toEqual([])
  })
})
