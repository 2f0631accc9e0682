// The per-request body limits against real slow clients on a bare Node server with small
// limits: what is cut (a trickle past its deadline, an upload slower than the minimum rate, a
// stalled body) and what is not (a route that has not started reading, a blocked event loop,
// a slow answer after a complete body, a keep-alive connection reused).
import { createServer, request, Agent, type IncomingMessage, type RequestListener, type Server } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { waitFor } from '../testing/ws-clients'
import { deadlineFor, guardRequestBodies, RequestBodyTimeoutError, type BodyTimeoutOptions } from './request-body-timeouts'

const IDLE_MS = 300
const LIMITS: BodyTimeoutOptions = { idleMs: IDLE_MS, deadlineMs: 900, isUpload: (req) => req.url === '/upload', minBytesPerSec: 2000, maxUploadBytes: 10_000 }

let server: Server | undefined
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined))
  server = undefined
})

/** Reads the body as @hono/node-server does (a web stream over the request) and answers its length. */
const echoLength: RequestListener = async (req, res) => {
  let n = 0
  try {
    const reader = (Readable.toWeb(req) as ReadableStream<Uint8Array>).getReader()
    for (let next = await reader.read(); !next.done; next = await reader.read()) n += next.value.byteLength
  } catch (e) {
    errors.push(e)
    return
  }
  res.end(String(n))
}
let errors: unknown[] = []

async function start(handler: RequestListener, limits: Partial<BodyTimeoutOptions> = {}): Promise<string> {
  errors = []
  server = createServer({ requestTimeout: 0 }, handler)
  guardRequestBodies(server, { ...LIMITS, ...limits, lingerMs: 200 })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

interface Answer { readonly status: number | 'reset'; readonly body: string; readonly ms: number }

/** Sends `chunks`, one every `everyMs`, then ends (unless `end` is false); the answer and when it came. */
function send(url: string, path: string, chunks: readonly string[], everyMs: number, opts: { length?: number; end?: boolean; agent?: Agent } = {}): Promise<Answer> {
  const started = Date.now()
  return new Promise((resolve) => {
    const req = request(`${url}${path}`, { method: 'POST', headers: opts.length === undefined ? {} : { 'content-length': String(opts.length) }, ...(opts.agent ? { agent: opts.agent } : {}) })
    let over = false
    req.on('error', () => void (over || resolve({ status: 'reset', body: '', ms: Date.now() - started })))
    req.on('response', (res: IncomingMessage) => {
      over = true
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      const finish = () => resolve({ status: res.statusCode ?? 0, body, ms: Date.now() - started })
      res.on('end', finish)
      res.on('error', finish)
    })
    void (async () => {
      for (const [i, chunk] of chunks.entries()) {
        if (over || req.destroyed) return
        if (i > 0) await sleep(everyMs)
        req.write(chunk)
      }
      if (opts.end !== false && !over) req.end()
    })()
  })
}

describe('request body limits', () => {
  it('computes an upload deadline from its length at the minimum rate, never below the total deadline', () => {
    const req = (url: string, length?: number) => ({ url, headers: length === undefined ? {} : { 'content-length': String(length) } }) as IncomingMessage
    expect(deadlineFor(req('/other', 1_000_000), LIMITS)).toBe(900)
    expect(deadlineFor(req('/upload', 100), LIMITS)).toBe(900)
    expect(deadlineFor(req('/upload', 4000), LIMITS)).toBe(2000)
    // Chunked: as long as the largest upload allowed needs.
    expect(deadlineFor(req('/upload'), LIMITS)).toBe(5000)
  })

  it('cuts a request that trickles a byte well within the idle limit at its total deadline', async () => {
    const url = await start(echoLength)
    const answer = await send(url, '/other', Array.from({ length: 40 }, () => 'x'), IDLE_MS / 3)
    expect(answer.status).toBe(408)
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'upload-timed-out', message: expect.stringContaining('did not arrive within') } })
    expect(answer.ms).toBeGreaterThanOrEqual(900)
    expect(answer.ms).toBeLessThan(2500)
    await waitFor(() => errors.length > 0)
    expect(errors).toEqual([expect.objectContaining({ reason: 'deadline' })])
  })

  it('lets an upload faster than the minimum rate run past the total deadline', async () => {
    const url = await start(echoLength)
    // 3000 bytes: 1.5 s at 2000 B/s; sent in about 1.2 s.
    const answer = await send(url, '/upload', Array.from({ length: 10 }, () => 'y'.repeat(300)), 130, { length: 3000 })
    expect(answer).toMatchObject({ status: 200, body: '3000' })
    expect(answer.ms).toBeGreaterThan(900)
  })

  it('cuts an upload slower than the minimum rate', async () => {
    const url = await start(echoLength)
    // The same 3000 bytes in about 2.7 s.
    const answer = await send(url, '/upload', Array.from({ length: 10 }, () => 'y'.repeat(300)), 300, { length: 3000 })
    expect(answer.status).toBe(408)
    expect(answer.ms).toBeGreaterThanOrEqual(1500)
    expect(answer.ms).toBeLessThan(2500)
    await waitFor(() => errors.length > 0)
    expect(errors).toEqual([expect.objectContaining({ reason: 'deadline', limitMs: 1500 })])
  })

  it('does not count the time before the route reads the body, nor backpressure, as the client going quiet', async () => {
    // A body larger than the socket buffers: the client is held up by the server, not the reverse.
    const big = 'z'.repeat(4 * 1024 * 1024)
    const url = await start(async (req, res) => {
      await sleep(3 * IDLE_MS) // roles checked, the book loaded...
      let n = 0
      const reader = (Readable.toWeb(req) as ReadableStream<Uint8Array>).getReader()
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        n += next.value.byteLength
        if (n > 1024 * 1024 && n - next.value.byteLength <= 1024 * 1024) await sleep(3 * IDLE_MS) // a slow consumer
      }
      res.end(String(n))
    }, { deadlineMs: 60_000 })
    const answer = await send(url, '/other', [big], 0)
    expect(answer).toMatchObject({ status: 200, body: String(big.length) })
  })

  it('still cuts a body that stalls while the route reads it, with the 408 reaching the client', async () => {
    const url = await start(echoLength, { deadlineMs: 60_000 })
    const answer = await send(url, '/other', ['part of it'], 0, { end: false })
    expect(answer.status).toBe(408)
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'upload-timed-out', message: expect.stringContaining('sent nothing') } })
    expect(answer.ms).toBeGreaterThanOrEqual(IDLE_MS)
    // The route learns of it once the client has closed (or the 408 has lingered).
    await waitFor(() => errors.length > 0)
    expect(errors).toEqual([expect.any(RequestBodyTimeoutError)])
  })

  it('does not cut a body whose bytes arrived while the event loop was blocked', async () => {
    const url = await start((req, res) => {
      let n = 0
      let blocked = false
      req.on('data', (d: Buffer) => {
        n += d.byteLength
        if (blocked) return
        blocked = true
        const until = Date.now() + 3 * IDLE_MS
        while (Date.now() < until) {
          // busy: a long synchronous task elsewhere in the process
        }
      })
      req.on('end', () => res.end(String(n)))
      req.on('error', (e) => errors.push(e))
    }, { deadlineMs: 60_000 })
    // The client is a child process: it goes on sending while this process is blocked.
    const answer = await sendFromChild(url, 12, 50)
    expect(errors).toEqual([])
    expect(answer).toBe('200 12')
  })

  it('ends the connection after the 408 instead of resetting it under a client still sending', async () => {
    const url = await start(() => {
      // Never reads: the deadline, not idleness, ends it.
    }, { deadlineMs: 400 })
    const socket = connect(Number(new URL(url).port), '127.0.0.1')
    socket.write(`POST /other HTTP/1.1\r\nHost: x\r\nContent-Length: ${8 * 1024 * 1024}\r\n\r\n`)
    // As browsers and curl do: go on sending until the answer comes.
    const sending = setInterval(() => socket.writable && socket.write('w'.repeat(16 * 1024)), 5)
    let received = ''
    socket.on('data', (d: Buffer) => (received += d.toString()))
    const how = await new Promise<string>((resolve) => {
      socket.on('end', () => resolve('end'))
      socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'))
    })
    clearInterval(sending)
    socket.destroy()
    expect(how).toBe('end')
    expect(received).toMatch(/^HTTP\/1\.1 408 /)
  })

  it('watches each of pipelined requests on its own: a complete one is answered, a stalled one cut', async () => {
    const url = await start((req, res) => (req.method === 'GET' ? res.end('got') : echoLength(req, res)), { deadlineMs: 60_000 })
    const socket = connect(Number(new URL(url).port), '127.0.0.1')
    socket.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /other HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhalf')
    let received = ''
    socket.on('data', (d: Buffer) => (received += d.toString()))
    await new Promise((resolve) => socket.on('close', resolve))
    expect(received).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*got[\s\S]*HTTP\/1\.1 408 /)
    await waitFor(() => errors.length > 0)
    expect(errors).toEqual([expect.objectContaining({ reason: 'idle' })])
  })

  it('does not cut a slow answer once the body is complete, and the connection is reused afterwards', async () => {
    const url = await start(async (req, res) => {
      let n = 0
      for await (const chunk of req) n += (chunk as Buffer).byteLength
      if (req.url === '/slow-answer') {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' })
        for (let i = 0; i < 3; i++) {
          await sleep(2 * IDLE_MS)
          res.write(`{"line":${i}}\n`)
        }
      }
      res.end(`${n}\n`)
    })
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const first = await send(url, '/slow-answer', ['abc'], 0, { agent })
    expect(first).toMatchObject({ status: 200, body: '{"line":0}\n{"line":1}\n{"line":2}\n3\n' })
    await sleep(2 * IDLE_MS)
    const second = await send(url, '/other', ['de'], 0, { agent })
    expect(second).toMatchObject({ status: 200, body: '2\n' })
    agent.destroy()
  })
})

/** A client in another process (this one may be blocked): `chunks` bytes one every `everyMs`; prints "status body". */
async function sendFromChild(url: string, chunks: number, everyMs: number): Promise<string> {
  const { execFile } = await import('node:child_process')
  const script = `
    const req = require('node:http').request(${JSON.stringify(url)} + '/other', { method: 'POST' }, (res) => {
      let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => console.log(res.statusCode + ' ' + b))
    })
    req.on('error', (e) => console.log('error ' + e.message))
    let i = 0
    const t = setInterval(() => { req.write('q'); if (++i === ${chunks}) { clearInterval(t); req.end() } }, ${everyMs})`
  return new Promise((resolve, reject) => execFile(process.execPath, ['-e', script], (err, stdout) => (err ? reject(err) : resolve(stdout.trim()))))
}
