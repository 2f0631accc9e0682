// SIGTERM: the server stops accepting, makes what it accepted durable, closes sockets with 1001
// and exits 0.
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CLOSE_CODE, encodeUpdate } from '@crm-sync/protocol'
import { MAIN, spawnServer } from '../testing/child-server'
import { startTestServer } from '../testing/test-server'
import { connectRaw, waitFor } from '../testing/ws-clients'

describe('SIGTERM', () => {
  it('flushes, closes sockets with 1001 and exits 0', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'crm-sync-term-'))
    try {
      const child = await spawnServer({ DATA_DIR: dataDir })
      const res = await fetch(`http://127.0.0.1:${child.port}/api/auth/dev-login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'alice' }),
      })
      const { token } = (await res.json()) as { token: string }
      const raw = await connectRaw(`ws://127.0.0.1:${child.port}/sync/north-territory?token=${token}`)
      await waitFor(() => raw.frames.length > 0, 5000, 'greeting')
      const doc = new Y.Doc()
      doc.getMap('term').set('sent-before-sigterm', true)
      raw.send(encodeUpdate(Y.encodeStateAsUpdate(doc)))
      await new Promise((r) => setTimeout(r, 100))
      child.child.kill('SIGTERM')
      expect((await raw.closed).code).toBe(CLOSE_CODE.goingAway)
      expect((await child.exited).code).toBe(0)
      expect(child.output()).toContain('shutting down')

      const after = await startTestServer({}, dataDir)
      try {
        expect(await after.books.read('north-territory', (d) => d.getMap('term').get('sent-before-sigterm'))).toBe(true)
      } finally {
        await after.stop()
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  })

  it('during start-up: stops cleanly once started instead of dying on the spot', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'crm-sync-term-early-'))
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', BRIDGE_ENABLED: 'false', DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      child.stderr.on('data', (c: Buffer) => (out += c.toString()))
      // Demo books are seeded inside start-up, before the server listens: signal right then.
      await new Promise<void>((resolve) =>
        child.stdout.on('data', (c: Buffer) => {
          const before = out.includes('seeded demo books')
          out += c.toString()
          if (!before && out.includes('seeded demo books')) {
            child.kill('SIGTERM')
            resolve()
          }
        }),
      )
      expect(await exited, out).toBe(0)
      expect(out).toContain('"msg":"shutting down"')
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
