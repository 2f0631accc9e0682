// Imports that must be refused whole, with a clear error and nothing written: unknown formats,
// binary files, bad or mismatched mappings, broken files, oversized bodies, and callers who may
// not write the book.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/test-server'
import { createBook, customersOf, errorOf, fixture, headSeq, postImport, type ImportCall } from './import-test-kit'

const LIMIT = 4096

describe('import refuses bad input', () => {
  let server: TestServer
  let alice = ''
  let bob = ''
  let carol = ''
  const BOOK = 'guarded'

  beforeAll(async () => {
    server = await startTestServer({ MAX_IMPORT_BYTES: String(LIMIT) })
    alice = await server.token('alice')
    bob = await server.token('bob')
    carol = await server.token('carol')
    await createBook(server, alice, BOOK, { bob: 'viewer' })
  })
  afterAll(async () => {
    await server.dispose()
  })

  const refused = async (body: BodyInit, call: ImportCall, status: number, code: string) => {
    const before = await headSeq(server, BOOK)
    const res = await postImport(server, BOOK, body, call)
    const error = await errorOf(res)
    expect({ status: res.status, code: error.code }).toEqual({ status, code })
    expect(error.message.length).toBeGreaterThan(10)
    expect(await headSeq(server, BOOK)).toBe(before)
    expect(await customersOf(server, BOOK)).toEqual([])
    return error
  }
  const csv = fixture('messy.csv')

  it('an unknown format', async () => {
    const error = await refused(csv, { token: alice, format: 'xlsx' }, 400, 'unknown-format')
    expect(error.message).toContain('csv, json or xml')
  })

  it('no format and no telling content type', async () => {
    await refused(csv, { token: alice, headers: { 'content-type': 'application/octet-stream' } }, 400, 'unknown-format')
  })

  it('binary garbage, whatever format it claims', async () => {
    for (const format of ['csv', 'json', 'xml']) await refused(fixture('garbage.png.csv'), { token: alice, format }, 422, 'binary-content')
    const random = new Uint8Array(2048).map((_, i) => (i * 7919 + 13) % 256)
    await refused(random, { token: alice, format: 'csv' }, 422, 'binary-content')
  })

  it('text that is not in the format it claims', async () => {
    await refused(csv, { token: alice, format: 'xml' }, 422, 'parse-error')
    await refused(csv, { token: alice, format: 'json' }, 422, 'parse-error')
    await refused(fixture('truncated.ndjson'), { token: alice, format: 'json' }, 422, 'parse-error')
  })

  it('invalid UTF-8 with a hint about the encoding', async () => {
    const error = await refused(Buffer.from('Name;Ort\nM\xfcller;K\xf6ln\n', 'latin1'), { token: alice, format: 'csv' }, 422, 'invalid-encoding')
    expect(error.message).toContain('encoding=windows-1252')
  })

  it('a mapping that names columns the file does not have', async () => {
    const mapping = JSON.stringify({ fields: { name: 'Firm', email: 'E-Mail' }, key: 'Nr' })
    const error = await refused(csv, { token: alice, format: 'csv', query: { mapping } }, 422, 'missing-columns')
    expect(error.details).toMatchObject({ missing: ['Firm', 'Nr'], columns: expect.arrayContaining(['Company', 'E-Mail']) })
  })

  it('a mapping that is not valid', async () => {
    await refused(csv, { token: alice, format: 'csv', query: { mapping: '{"fields":' } }, 400, 'invalid-mapping')
    const error = await refused(csv, { token: alice, format: 'csv', query: { mapping: JSON.stringify({ fields: { name: 'Company', colour: 'x' } }) } }, 400, 'invalid-mapping')
    expect(JSON.stringify(error.details)).toContain('colour')
  })

  it('a file without a column for the name, when no mapping is given', async () => {
    await refused('foo,bar\n1,2\n', { token: alice, format: 'csv' }, 422, 'no-name-column')
  })

  it('bad options', async () => {
    await refused(csv, { token: alice, format: 'csv', query: { threshold: '2' } }, 400, 'invalid-option')
    await refused(csv, { token: alice, format: 'csv', query: { encoding: 'ebcdic' } }, 415, 'unsupported-encoding')
    await refused(csv, { token: alice, format: 'csv', query: { defaultRegion: 'Germany' } }, 400, 'invalid-option')
    await refused(csv, { token: alice, format: 'csv', query: { batchSize: '0' } }, 400, 'invalid-option')
  })

  it('a body over MAX_IMPORT_BYTES, announced or not', async () => {
    const big = `Company\n${'Big Co\n'.repeat(1000)}`
    await refused(big, { token: alice, format: 'csv' }, 413, 'body-too-large')
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(i === 0 ? `Company\n${'Chunked Co\n'.repeat(60)}` : 'Chunked Co\n'.repeat(60)))
        controller.close()
      },
    })
    await refused(chunked, { token: alice, format: 'csv' }, 413, 'body-too-large')
  })

  it('no token, a viewer, a non-member, an unknown book', async () => {
    await refused(csv, { format: 'csv' }, 401, 'no-token')
    await refused(csv, { token: bob, format: 'csv' }, 403, 'read-only')
    await refused(csv, { token: carol, format: 'csv' }, 403, 'not-member')
    const res = await postImport(server, 'no-such-book', csv, { token: alice, format: 'csv' })
    expect(res.status).toBe(403)
    expect(await headSeq(server, 'no-such-book')).toBe(0)
  })

  it('the same refusals with Accept: application/x-ndjson keep their HTTP status', async () => {
    await refused(fixture('garbage.png.csv'), { token: alice, format: 'csv', accept: 'application/x-ndjson' }, 422, 'binary-content')
    await refused(csv, { token: bob, format: 'csv', accept: 'application/x-ndjson' }, 403, 'read-only')
  })
})
