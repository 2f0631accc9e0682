// Shared helpers of the import tests: books made over HTTP, imports and exports against a
// real test server, and the store's log head to prove that nothing (or something) was written.
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { request, type IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { readBook, type Customer } from '@crm-sync/model'
import pino, { type Logger } from 'pino'
import { startTestServer, type TestServer } from '../testing/test-server'
import type { ImportReport } from './import-report'

const fixturePath = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
/** A fixture's bytes (a fresh copy, usable as a fetch body). */
export const fixture = (name: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(fixturePath(name)))
export const fixtureText = (name: string): string => readFileSync(fixturePath(name), 'utf8')

export interface ImportCall {
  readonly token?: string
  readonly format?: string
  readonly query?: Record<string, string>
  readonly accept?: string
  readonly headers?: Record<string, string>
  readonly signal?: AbortSignal
}

export const postImport = (server: TestServer, bookId: string, body: BodyInit, call: ImportCall = {}): Promise<Response> => {
  const params = new URLSearchParams({ ...(call.format ? { format: call.format } : {}), ...call.query })
  const headers = new Headers(call.headers)
  if (call.token) headers.set('authorization', `Bearer ${call.token}`)
  if (call.accept) headers.set('accept', call.accept)
  return fetch(`${server.url}/api/books/${bookId}/import?${params}`, { method: 'POST', body, headers, duplex: 'half', ...(call.signal ? { signal: call.signal } : {}) } as RequestInit)
}

export const importOk = async (server: TestServer, bookId: string, body: BodyInit, call: ImportCall = {}): Promise<ImportReport> => {
  const res = await postImport(server, bookId, body, call)
  const json = (await res.json()) as ImportReport & { error?: unknown }
  if (res.status !== 200) throw new Error(`import failed with ${res.status}: ${JSON.stringify(json)}`)
  return json
}

export const errorOf = async (res: Response): Promise<{ code: string; message: string; details?: unknown }> =>
  ((await res.json()) as { error: { code: string; message: string; details?: unknown } }).error

export const createBook = async (server: TestServer, token: string, id: string, members: Record<string, string> = {}): Promise<void> => {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const res = await fetch(`${server.url}/api/books`, { method: 'POST', headers, body: JSON.stringify({ id, name: id }) })
  if (res.status !== 201) throw new Error(`could not create book ${id}: ${res.status}`)
  for (const [user, role] of Object.entries(members)) {
    await fetch(`${server.url}/api/books/${id}/members/${user}`, { method: 'PUT', headers, body: JSON.stringify({ role }) })
  }
}

/** Highest sequence number in the store's log of the book: changes iff something was written. */
export const headSeq = async (server: TestServer, bookId: string): Promise<number> => (await server.persistence.docStore.load(bookId)).headSeq

export const customersOf = (server: TestServer, bookId: string): Promise<Customer[]> => server.books.read(bookId, (doc) => readBook(doc).customers)

export const byName = (customers: readonly Customer[], name: string): Customer => {
  const c = customers.find((x) => x.name === name)
  if (!c) throw new Error(`no customer named ${name} among ${customers.map((x) => x.name).join(', ')}`)
  return c
}

export interface LogLine { readonly level: number; readonly msg: string; readonly bookId?: string; readonly code?: string }

/** A debug-level logger whose lines the test reads back (tests of what is logged, and at what level). */
export function capturingLog(): { readonly log: Logger; readonly lines: LogLine[] } {
  const lines: LogLine[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as LogLine)
      done()
    },
  })
  return { log: pino({ level: 'debug' }, sink), lines }
}

/** An upload the test writes piece by piece (or stops writing); `response` is the server's answer. */
export function openUpload(server: TestServer, bookId: string, token: string, query: string, accept = 'application/json') {
  const req = request(`${server.url}/api/books/${bookId}/import?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, accept },
  })
  req.on('error', () => {})
  const response = new Promise<IncomingMessage>((resolve) => req.once('response', resolve))
  return { req, response }
}

/** A response's whole body as text ('' when the connection breaks first). */
export const bodyText = (res: IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    let text = ''
    res.on('data', (d: Buffer) => (text += d.toString()))
    res.on('end', () => resolve(text))
    res.on('error', () => resolve(text))
    res.on('close', () => resolve(text))
  })

export interface WatchedServer {
  readonly server: TestServer
  /** Where uploads past 4 KB are copied: empty again once an import has cleaned up. */
  readonly spoolDir: string
  readonly lines: LogLine[]
  dispose(): Promise<void>
}

/** A test server whose log lines and upload copies a test watches (hang-ups, timeouts). */
export async function startWatchedServer(env: Record<string, string> = {}): Promise<WatchedServer> {
  const spoolDir = await mkdtemp(join(tmpdir(), 'crm-import-watched-'))
  const { log, lines } = capturingLog()
  const server = await startTestServer(env, undefined, { log, importSpool: { memoryBytes: 4096, dir: spoolDir } })
  return {
    server,
    spoolDir,
    lines,
    dispose: async () => {
      await server.dispose()
      await rm(spoolDir, { recursive: true, force: true })
    },
  }
}
