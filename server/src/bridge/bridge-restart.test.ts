// The bridge killed mid-sync (SIGKILL, a separate process as `npm run bridge` runs it) and
// started again: it resumes from its persisted state and converges, without a single duplicate.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCrmEmulator, type CrmEmulator } from '@crm-sync/crm-emulator'
import { createCustomer, setCustomerField } from '@crm-sync/model'
import { startTestServer, type TestServer } from '../testing/test-server'
import { connectProvider, whenSynced, type ProviderClient } from '../testing/ws-clients'
import { customersOf, eventually, FAST_BRIDGE_ENV, WEBHOOK_SECRET } from './bridge-test-kit'

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url))
const N = 600

interface Child {
  proc: ChildProcess
  port: number
  output(): string
}

function spawnBridge(env: Record<string, string>): Promise<Child> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const timer = setTimeout(() => reject(new Error(`bridge did not start:\n${out}`)), 30_000)
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const line = out.split('\n').find((l) => l.includes('"msg":"bridge listening"'))
      if (line) {
        clearTimeout(timer)
        resolve({ proc, port: (JSON.parse(line) as { port: number }).port, output: () => out })
      }
    })
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()))
    proc.once('exit', (code) => reject(new Error(`bridge exited with ${code}:\n${out}`)))
  })
}

describe('bridge killed mid-sync', () => {
  let crm: CrmEmulator
  let server: TestServer
  let alice: ProviderClient
  let child: Child | undefined

  beforeAll(async () => {
    // Slow answers, so the kill lands in the middle of the first sync.
    crm = createCrmEmulator({ webhookSecret: WEBHOOK_SECRET, rateLimits: { maxPerWindow: 100_000, searchMaxPerWindow: 100_000 }, faults: { latencyMs: 40 } })
    await crm.start(0, '127.0.0.1')
    crm.store.transaction(() => {
      for (let i = 0; i < N; i++) crm.store.create('companies', { name: `Office ${i}` }, { source: 'IMPORT' })
    })
    server = await startTestServer({ DEV_SEED: 'false' })
    await server.books.create({ id: 'kill', name: 'Kill' }, 'alice')
    await server.persistence.directory.setMember('kill', 'crm-bridge', 'editor')
    await server.books.change('kill', 'alice', (doc, origin) => {
      for (let i = 0; i < N; i++) createCustomer(doc, { name: `Book ${i}`, industry: 'Retail' }, { by: 'alice', origin })
    })
    alice = connectProvider(server.wsUrl, 'kill', await server.token('alice'))
    await whenSynced(alice)
  }, 60_000)

  afterAll(async () => {
    child?.proc.kill('SIGKILL')
    alice?.destroy()
    await server?.dispose()
    await crm?.stop()
  })

  it('converges after a SIGKILL and a restart, with no duplicates', async () => {
    const env = {
      ...FAST_BRIDGE_ENV, DATA_DIR: server.dataDir, BRIDGE_RELAY_URL: server.wsUrl, BRIDGE_PORT: '0', BRIDGE_DEFAULT_BOOK: 'kill',
      CRM_BASE_URL: crm.url!, CRM_TOKEN: crm.token, CRM_WEBHOOK_SECRET: WEBHOOK_SECRET, LOG_LEVEL: 'info', BRIDGE_CRM_CONCURRENCY: '2',
    }
    const linked = () => crm.store.list('companies').filter((r) => r.properties['crdt_record_id']).length
    child = await spawnBridge(env)
    await eventually(() => linked() > 150, 30_000, 'the first sync to get going')
    child.proc.kill('SIGKILL')
    await new Promise((r) => child!.proc.once('exit', r))
    expect(linked()).toBeLessThan(2 * N)

    // Both sides move on while the bridge is down.
    const ids = [...alice.doc.getMap('customers').keys()] as string[]
    for (const id of ids.slice(0, 50)) setCustomerField(alice.doc, id, 'industry', 'Edited while down')
    for (const r of crm.store.list('companies').slice(0, 50)) crm.store.update('companies', r.id, { city: 'Down town' }, { source: 'CRM_UI' })

    child = await spawnBridge(env)
    await eventually(() => {
      const customers = customersOf(alice.doc)
      const live = crm.store.list('companies')
      return customers.length === 2 * N && live.length === 2 * N && live.every((r) => r.properties['crdt_record_id'])
    }, 60_000, 'convergence after the restart')
    const token = await server.token('alice')
    await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${child!.port}/api/sync/status`, { headers: { authorization: `Bearer ${token}` } })
      const s = (await res.json()) as { consistency: { ratio: number }; queue: { outbox: number; changes: number } }
      return s.consistency.ratio === 1 && s.queue.outbox === 0 && s.queue.changes === 0
    }, 30_000, 'a consistent status')

    const byRecord = new Map<string, number>()
    for (const r of crm.store.list('companies')) byRecord.set(r.properties['crdt_record_id']!, (byRecord.get(r.properties['crdt_record_id']!) ?? 0) + 1)
    expect([...byRecord.values()].every((n) => n === 1)).toBe(true)
    const customers = customersOf(alice.doc)
    expect(new Set(customers.map((c) => c.name)).size).toBe(2 * N)
    for (const c of customers) expect(byRecord.get(c.id)).toBe(1)
    for (const id of ids.slice(0, 50)) expect(crm.store.findBy('companies', 'crdt_record_id', id)?.properties['industry']).toBe('Edited while down')
    // The office's edits made while the bridge was down arrive with its next pulls.
    await eventually(() => customersOf(alice.doc).filter((c) => c.address?.city === 'Down town').length === 50, 20_000, 'office edits in the book')
  }, 150_000)
})
