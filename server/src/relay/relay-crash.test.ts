// "Nothing acknowledged is lost": several clients stream edits, the server is killed with
// SIGKILL mid-stream, and every update that was acknowledged is there after a restart.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { MESSAGE_TYPE, decodeMessage, encodeUpdate } from '@crm-sync/protocol'
import { spawnServer } from '../testing/child-server'
import { startTestServer } from '../testing/test-server'
import { connectRaw, waitFor, type RawClient } from '../testing/ws-clients'

const BOOK = 'north-territory'

interface Writer {
  readonly name: string
  readonly raw: RawClient
  readonly keys: string[]
  acked: number
}

describe('SIGKILL during a stream of edits', () => {
  let dataDir = ''
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })

  it('keeps every acknowledged update', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'crm-sync-crash-'))
    const child = await spawnServer({ DATA_DIR: dataDir, COMPACT_THRESHOLD: '50' })
    const base = `http://127.0.0.1:${child.port}`
    const login = async (user: string) =>
      ((await (await fetch(`${base}/api/auth/dev-login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user }),
      })).json()) as { token: string }).token

    const writers: Writer[] = []
    for (const name of ['alice', 'bob', 'alice']) {
      const raw = await connectRaw(`ws://127.0.0.1:${child.port}/sync/${BOOK}?ack=1&token=${await login(name)}`)
      const w: Writer = { name, raw, keys: [], acked: 0 }
      raw.ws.on('message', (data: Buffer) => {
        const m = decodeMessage(new Uint8Array(data))
        if (m.type === 'ack') w.acked = m.frames
      })
      writers.push(w)
    }

    let stop = false
    const streams = writers.map(async (w, n) => {
      const doc = new Y.Doc()
      doc.on('update', (u: Uint8Array) => {
        if (w.raw.ws.readyState === w.raw.ws.OPEN) w.raw.send(encodeUpdate(u))
      })
      for (let i = 0; !stop; i++) {
        const key = `w${n}-${i}`
        w.keys.push(key)
        doc.getMap('crash').set(key, i)
        await new Promise((r) => setTimeout(r, 2))
      }
    })
    await waitFor(() => writers.every((w) => w.acked > 30), 15_000, 'acks from every writer')
    child.child.kill('SIGKILL')
    stop = true
    await Promise.all(streams)
    expect((await child.exited).signal).toBe('SIGKILL')

    const restarted = await startTestServer({}, dataDir)
    try {
      const map = await restarted.books.read(BOOK, (doc) => doc.getMap('crash'))
      const present = new Set(map.keys())
      for (const w of writers) {
        const acked = w.keys.slice(0, w.acked)
        expect(acked.length).toBeGreaterThan(30)
        expect(acked.filter((k) => !present.has(k))).toEqual([])
      }
    } finally {
      await restarted.stop()
    }
  })
})
