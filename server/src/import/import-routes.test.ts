// POST /api/books/:id/import against a real server: messy files in every format, the report,
// idempotence (a second import writes no Yjs update), dry runs, overwrite, merges remembered
// across imports, progress lines, and clients seeing batches arrive live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCustomer, customersMap, patchCustomer } from '@crm-sync/model'
import { startTestServer, type TestServer } from '../testing/test-server'
import { connectProvider, waitFor, whenSynced } from '../testing/ws-clients'
import type { ImportReport } from './import-report'
import { byName, createBook, customersOf, errorOf, fixture, fixtureText, headSeq, importOk, postImport } from './import-test-kit'

describe('import', () => {
  let server: TestServer
  let alice = ''

  beforeAll(async () => {
    server = await startTestServer({ MAX_IMPORT_BYTES: String(1024 * 1024) })
    alice = await server.token('alice')
  })
  afterAll(async () => {
    await server.dispose()
  })

  it('imports a messy CSV: cleaned, normalised, deduplicated, bad rows reported', async () => {
    await createBook(server, alice, 'messy-csv')
    const report = await importOk(server, 'messy-csv', fixture('messy.csv'), { token: alice, format: 'csv' })
    expect(report).toMatchObject({ rows: 12, imported: 6, updated: 1, unchanged: 1, rejectedRows: 4, duplicateCount: 2, mappingSuggested: true, dryRun: false })
    expect(report.rejected).toEqual([
      { row: 5, field: 'name', column: 'Company', value: null, reason: 'a customer needs a name' },
      { row: 6, field: 'email', column: 'E-Mail', value: 'not-an-email', reason: expect.any(String) },
      { row: 7, field: 'phone', column: 'Phone', value: '12345', reason: 'not a valid number in DE' },
      { row: 11, field: '', value: null, reason: 'row has 13 cells but the header has 11 columns' },
    ])
    const customers = await customersOf(server, 'messy-csv')
    const acme = byName(customers, 'Acme, Inc.')
    expect(report.duplicates).toEqual([
      { row: 3, customerId: acme.id, rule: 'key', value: 'same content', matchedRow: 1, action: 'merged' },
      { row: 4, customerId: acme.id, rule: 'email', value: 'info@acme-inc.com', matchedRow: 1, action: 'merged' },
    ])
    expect(customers).toHaveLength(6)
    expect(acme).toMatchObject({
      email: 'info@acme-inc.com', phone: '+12127365000', website: 'https://www.acme-inc.com', status: 'customer',
      address: { street: '1 Market St, Suite 5', city: 'New York', postalCode: '10001', country: 'US' },
      tags: ['b2b', 'east', 'vip'], notes: 'Second record of Acme with a tag', createdBy: 'alice',
    })
    expect(byName(customers, 'Müller GmbH')).toMatchObject({ phone: '+4930901820', address: { country: 'DE' }, notes: 'Met at the fair, hall 3\r\nsecond line' })
    expect(byName(customers, '株式会社サンプル')).toMatchObject({ phone: '+81335813111', address: { country: 'JP' }, status: 'prospect' })
    expect(byName(customers, 'Nullish Co')).not.toHaveProperty('email')
    expect(byName(customers, 'The "Best" Shop')).toMatchObject({ status: 'customer', address: { country: 'AU' } })
    expect(byName(customers, 'Britannia Ltd')).toMatchObject({ phone: '+442072193000', address: { country: 'GB' } })
  })

  it('is idempotent: the second import changes nothing and writes no update', async () => {
    await createBook(server, alice, 'twice')
    const first = await importOk(server, 'twice', fixture('messy.csv'), { token: alice, format: 'csv' })
    const before = await headSeq(server, 'twice')
    const customers = await customersOf(server, 'twice')
    const second = await importOk(server, 'twice', fixture('messy.csv'), { token: alice, format: 'csv' })
    expect(second).toMatchObject({ imported: 0, updated: 0, unchanged: first.imported + first.updated + first.unchanged, rejectedRows: 4 })
    expect(await headSeq(server, 'twice')).toBe(before)
    expect(await customersOf(server, 'twice')).toEqual(customers)
  })

  it('detects a semicolon-separated CSV', async () => {
    await createBook(server, alice, 'semicolon')
    const report = await importOk(server, 'semicolon', fixture('messy-semicolon.csv'), { token: alice, format: 'csv' })
    expect(report).toMatchObject({ imported: 3, rejectedRows: 0 })
    const customers = await customersOf(server, 'semicolon')
    expect(byName(customers, 'Schreinerei Holz & Co')).toMatchObject({ email: 'info@holz-co.de', phone: '+497112160', notes: 'Termin; Donnerstag' })
    expect(byName(customers, 'Brot; Butter KG')).toMatchObject({ address: { city: 'München', country: 'DE' } })
    expect(byName(customers, 'Ohne Telefon').notes).toBe('zwei\nZeilen')
  })

  it('imports a JSON array: nested fields, lists, booleans, bad records reported', async () => {
    await createBook(server, alice, 'json')
    const report = await importOk(server, 'json', fixture('messy.json'), { token: alice, format: 'json' })
    expect(report).toMatchObject({ rows: 7, imported: 3, updated: 1, rejectedRows: 3 })
    expect(report.unmappedColumns).toEqual(['employees'])
    expect(report.rejected).toEqual(expect.arrayContaining([
      expect.objectContaining({ row: 4, field: 'email', value: 'umbrella@' }),
      expect.objectContaining({ row: 4, field: 'address.country', value: 'Atlantis' }),
      expect.objectContaining({ row: 5, reason: 'a record must be a JSON object' }),
      expect.objectContaining({ row: 6, field: 'name' }),
    ]))
    const customers = await customersOf(server, 'json')
    expect(byName(customers, 'Globex Corporation')).toMatchObject({ email: 'contact@globex.example', tags: ['energy', 'large'], notes: 'same email as the first record', address: { postalCode: '49007' } })
    expect(byName(customers, 'Initech')).toMatchObject({ address: { city: 'Austin', country: 'US' } })
    expect(byName(customers, 'Soylent').archived).toBe(true)
  })

  it('imports NDJSON; a line that is not JSON rejects only that row', async () => {
    await createBook(server, alice, 'ndjson')
    const report = await importOk(server, 'ndjson', fixture('messy.ndjson'), { token: alice, headers: { 'content-type': 'application/x-ndjson' } })
    expect(report).toMatchObject({ format: 'json', rows: 5, imported: 3, rejectedRows: 2 })
    expect(byName(await customersOf(server, 'ndjson'), 'Hooli').website).toBe('https://hooli.example')
  })

  it('imports XML records with attributes through a mapping file, keyed by the source ids', async () => {
    await createBook(server, alice, 'xml')
    const mapping = fixtureText('legacy-accounts.mapping.json')
    const report = await importOk(server, 'xml', fixture('legacy-accounts.xml'), { token: alice, format: 'xml', query: { mapping } })
    expect(report).toMatchObject({ rows: 5, imported: 2, updated: 1, rejectedRows: 2, mappingSuggested: false })
    expect(report.rejected.map((r) => [r.row, r.field])).toEqual([[3, 'name'], [4, 'status']])
    expect(report.duplicates).toEqual([expect.objectContaining({ row: 5, rule: 'key', value: 'A-100', matchedRow: 1 })])
    const nordlicht = byName(await customersOf(server, 'xml'), 'Nordlicht Handel GmbH')
    expect(nordlicht).toMatchObject({
      status: 'customer', email: 'vertrieb@nordlicht-handel.de', phone: '+4940428310', tags: ['north', 'wholesale'],
      address: { street: 'Rathausmarkt 1', postalCode: '20095', city: 'Hamburg', region: 'Hamburg', country: 'DE' },
      notes: 'Prefers <email> contact & invoices by post',
    })
    const before = await headSeq(server, 'xml')
    const again = await importOk(server, 'xml', fixture('legacy-accounts.xml'), { token: alice, format: 'xml', query: { mapping } })
    expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: 3 })
    expect(await headSeq(server, 'xml')).toBe(before)
  })

  it('dry run reports what a real run would do and writes nothing', async () => {
    await createBook(server, alice, 'dry')
    const before = await headSeq(server, 'dry')
    const dry = await importOk(server, 'dry', fixture('messy.csv'), { token: alice, format: 'csv', query: { dryRun: '1' } })
    expect(await headSeq(server, 'dry')).toBe(before)
    expect(await customersOf(server, 'dry')).toEqual([])
    const real = await importOk(server, 'dry', fixture('messy.csv'), { token: alice, format: 'csv' })
    const counts = (r: ImportReport) => [r.imported, r.updated, r.unchanged, r.rejectedRows, r.duplicateCount]
    expect(dry.dryRun).toBe(true)
    expect(counts(dry)).toEqual(counts(real))
    expect(dry.rejected).toEqual(real.rejected)
  })

  it('fills empty fields by default and replaces set ones only with overwrite', async () => {
    await createBook(server, alice, 'overwrite')
    const csv = (status: string, industry: string) => `Customer ID,Company,Status,Industry\r\nK-1,Overwrite Co,${status},${industry}\r\n`
    await importOk(server, 'overwrite', csv('lead', ''), { token: alice, format: 'csv' })
    const filled = await importOk(server, 'overwrite', csv('customer', 'Retail'), { token: alice, format: 'csv' })
    expect(filled).toMatchObject({ imported: 0, updated: 1 })
    expect(byName(await customersOf(server, 'overwrite'), 'Overwrite Co')).toMatchObject({ status: 'lead', industry: 'Retail' })
    const replaced = await importOk(server, 'overwrite', csv('customer', 'Retail'), { token: alice, format: 'csv', query: { overwrite: '1' } })
    expect(replaced).toMatchObject({ updated: 1 })
    expect(byName(await customersOf(server, 'overwrite'), 'Overwrite Co').status).toBe('customer')
  })

  it('merges into an existing customer by email and finds it again by key after the email changed', async () => {
    await createBook(server, alice, 'alias')
    const existingId = await server.books.change('alias', 'alice', (doc, origin) =>
      createCustomer(doc, { name: 'Hand Made', email: 'hello@handmade.example' }, { by: 'alice', origin }))
    const csv = 'Customer ID,Company,Email,Phone\r\nX-9,Handmade Inc,HELLO@handmade.example,+49 30 901820\r\n'
    const first = await importOk(server, 'alias', csv, { token: alice, format: 'csv' })
    expect(first).toMatchObject({ imported: 0, updated: 1, duplicates: [expect.objectContaining({ customerId: existingId, rule: 'email', action: 'merged' })] })
    await server.books.change('alias', 'alice', (doc, origin) => patchCustomer(doc, existingId, { email: 'new@handmade.example' }, origin))
    const second = await importOk(server, 'alias', csv, { token: alice, format: 'csv' })
    expect(second).toMatchObject({ imported: 0, updated: 0, unchanged: 1 })
    const customers = await customersOf(server, 'alias')
    expect(customers.map((c) => [c.id, c.name, c.email, c.phone])).toEqual([[existingId, 'Hand Made', 'new@handmade.example', '+4930901820']])
  })

  it('streams progress lines and the report with Accept: application/x-ndjson', async () => {
    await createBook(server, alice, 'progress')
    const res = await postImport(server, 'progress', fixture('messy.csv'), { token: alice, format: 'csv', accept: 'application/x-ndjson', query: { batchSize: '3' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('application/x-ndjson')
    const events = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; rows?: number; bytes?: number; report?: ImportReport })
    const progress = events.filter((e) => e.type === 'progress')
    expect(progress.length).toBeGreaterThanOrEqual(4)
    expect(progress.map((p) => p.rows)).toEqual([...progress.map((p) => p.rows)].sort((a, b) => (a ?? 0) - (b ?? 0)))
    expect(progress.at(-1)?.bytes).toBe(fixture('messy.csv').length)
    expect(events.at(-1)).toMatchObject({ type: 'report', report: { imported: 6, rejectedRows: 4 } })
  })

  it('answers the report as CSV with Accept: text/csv', async () => {
    await createBook(server, alice, 'csv-report')
    const res = await postImport(server, 'csv-report', fixture('messy.csv'), { token: alice, format: 'csv', accept: 'text/csv' })
    const text = await res.text()
    expect(res.headers.get('content-type')).toContain('text/csv')
    expect(text.split('\r\n')[0]).toBe('type,row,field,column,value,reason')
    expect(text).toContain('rejected,7,phone,Phone,12345,not a valid number in DE')
    expect(text).toMatch(/duplicate,4,email,,info@acme-inc\.com,merged into row 1/)
  })

  it('applies batches as separate updates that connected clients receive live', async () => {
    await createBook(server, alice, 'live')
    const client = connectProvider(server.wsUrl, 'live', alice)
    await whenSynced(client)
    const sizes: number[] = []
    client.doc.on('update', () => sizes.push(customersMap(client.doc).size))
    const rows = Array.from({ length: 40 }, (_, i) => `Live ${i},live${i}@example.com`)
    const report = await importOk(server, 'live', `Company,Email\n${rows.join('\n')}\n`, { token: alice, format: 'csv', query: { batchSize: '10' } })
    expect(report.imported).toBe(40)
    await waitFor(() => customersMap(client.doc).size === 40)
    expect(new Set(sizes)).toEqual(new Set([10, 20, 30, 40]))
    client.destroy()
  })
})
