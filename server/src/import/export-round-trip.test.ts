// GET /api/books/:id/export in CSV, JSON and XML, and the promise that matters: exporting a
// book and importing the file into an empty book gives the identical book (ids, timestamps,
// contacts, deals, activities, archived customers, awkward text included).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { archiveCustomer, createCustomer, makeDemoCustomers } from '@crm-sync/model'
import { startTestServer, type TestServer } from '../testing/test-server'
import { createBook, customersOf, errorOf, headSeq, importOk } from './import-test-kit'

describe('export', () => {
  let server: TestServer
  let alice = ''
  let bob = ''
  let carol = ''
  const SOURCE = 'export-source'

  const exportBook = (bookId: string, format: string, token = alice) =>
    fetch(`${server.url}/api/books/${bookId}/export?format=${format}`, { headers: { authorization: `Bearer ${token}` } })

  beforeAll(async () => {
    server = await startTestServer()
    alice = await server.token('alice')
    bob = await server.token('bob')
    carol = await server.token('carol')
    await createBook(server, alice, SOURCE, { bob: 'viewer' })
    await server.books.change(SOURCE, 'alice', (doc, origin) => {
      for (const c of makeDemoCustomers(60, { seed: 7, by: 'alice', owners: ['alice', 'bob'] })) createCustomer(doc, c, { by: 'bob', origin })
      const awkward = createCustomer(doc, {
        name: 'Quote "Comma", Semi; <Angle> & Amp',
        tags: ['a, b', 'c;d', 'plain'],
        notes: 'line one\r\nline two\n\ttabbed, "quoted" <xml> & ampersand  \n',
        address: { street: 'Straße 1\nHinterhaus', city: 'Zürich', country: 'CH' },
        contacts: [{ firstName: 'Zoë', lastName: "O'Brien", email: 'zoe@example.com' }],
        deals: [{ name: 'Tiny', amount: 0.1, currency: 'CHF', closeDate: '2025-02-28' }, { name: 'Huge', amount: 123456789.5 }],
        activities: [{ kind: 'note', text: 'Ünïcödé 🎉 and emoji', at: '2024-12-31T23:59:59.000Z', by: 'carol' }],
      }, { by: 'alice', origin, now: new Date('2020-01-02T03:04:05.678Z') })
      archiveCustomer(doc, awkward, true, origin)
      createCustomer(doc, { name: 'Bare' }, { by: 'alice', origin })
    })
  })
  afterAll(async () => {
    await server.dispose()
  })

  it.each(['csv', 'json', 'xml'])('%s: export then import into an empty book gives the identical book', async (format) => {
    const res = await exportBook(SOURCE, format)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${SOURCE}.${format}"`)
    const file = await res.text()
    const target = `round-trip-${format}`
    await createBook(server, alice, target)
    const report = await importOk(server, target, file, { token: alice, format })
    expect(report).toMatchObject({ rows: 62, imported: 62, rejectedRows: 0, updated: 0, unchanged: 0 })
    expect(report.duplicates.every((d) => d.action === 'candidate')).toBe(true)
    const original = await customersOf(server, SOURCE)
    expect(await customersOf(server, target)).toEqual(original)
    expect(original.some((c) => c.archived)).toBe(true)

    const before = await headSeq(server, target)
    expect(await importOk(server, target, file, { token: alice, format })).toMatchObject({ imported: 0, updated: 0, unchanged: 62 })
    expect(await headSeq(server, target)).toBe(before)
  })

  it('streams large books in chunks with stable order', async () => {
    const a = await (await exportBook(SOURCE, 'json')).text()
    const b = await (await exportBook(SOURCE, 'json')).text()
    expect(a).toBe(b)
    const ids = (JSON.parse(a) as Array<{ id: string }>).map((c) => c.id)
    expect(ids).toEqual([...ids].sort())
  })

  it('exports an empty book as valid files', async () => {
    await createBook(server, alice, 'empty-export')
    expect(JSON.parse(await (await exportBook('empty-export', 'json')).text())).toEqual([])
    expect(await (await exportBook('empty-export', 'csv')).text()).toMatch(/^id,name,status,/)
    expect(await (await exportBook('empty-export', 'xml')).text()).toContain('<customers book="empty-export">')
  })

  it('lets viewers export, and refuses non-members, no token and unknown formats', async () => {
    expect((await exportBook(SOURCE, 'csv', bob)).status).toBe(200)
    const outsider = await exportBook(SOURCE, 'csv', carol)
    expect(outsider.status).toBe(403)
    expect((await errorOf(outsider)).code).toBe('not-member')
    expect((await fetch(`${server.url}/api/books/${SOURCE}/export?format=csv`)).status).toBe(401)
    const unknown = await exportBook(SOURCE, 'pdf')
    expect(unknown.status).toBe(400)
    expect((await errorOf(unknown)).code).toBe('unknown-format')
  })
})
