// Test rig of the bridge: a real CRM emulator (on its own port, driven through the official
// SDK by the bridge) and a real server with the bridge on, plus helpers to wait for settling
// and to look at both sides.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCrmEmulator, type CrmEmulator, type CrmEmulatorOptions } from '@crm-sync/crm-emulator'
import { addActivity, readCustomer, type Customer } from '@crm-sync/model'
import * as Y from 'yjs'
import { startTestServer, type TestServer } from '../testing/test-server'
import { connectProvider, whenSynced, type ProviderClient } from '../testing/ws-clients'
import type { BridgeService } from './bridge-service'

export const WEBHOOK_SECRET = 'test-webhook-secret'

export interface BridgeRig {
  crm: CrmEmulator
  server: TestServer
  service(): BridgeService
  /** Resolves once the bridge has nothing left to do (twice in a row, after a pull). */
  settle(timeoutMs?: number): Promise<void>
  client(bookId: string, user?: string): Promise<ProviderClient>
  /** Live CRM companies carrying a crdt_record_id, by that id. */
  companiesByRecordId(): Map<string, Record<string, string>>
  dispose(): Promise<void>
}

export const FAST_BRIDGE_ENV: Record<string, string> = {
  BRIDGE_PULL_INTERVAL_MS: '400',
  BRIDGE_PUSH_DEBOUNCE_MS: '100',
  BRIDGE_PUSH_MAX_WAIT_MS: '500',
  BRIDGE_PULL_OVERLAP_MS: '1000',
  BRIDGE_CRM_RATE_WINDOW_MS: '200',
  BRIDGE_CRM_RATE_MAX: '100000',
  BRIDGE_CRM_SEARCH_RATE_MAX: '100000',
  BRIDGE_CRM_CONCURRENCY: '8',
  BRIDGE_CRM_RETRY_BASE_MS: '20',
  BRIDGE_CRM_TIMEOUT_MS: '5000',
}

export interface RigOptions {
  crm?: CrmEmulatorOptions
  env?: Record<string, string>
  dataDir?: string
  crmInstance?: CrmEmulator
  /** Runs first on a bridge-less server over the same data directory (books, members, customers). */
  prepare?: (server: TestServer) => Promise<void>
}

export async function startBridgeRig(o: RigOptions = {}): Promise<BridgeRig> {
  const crm = o.crmInstance ?? createCrmEmulator({
    webhookSecret: WEBHOOK_SECRET,
    rateLimits: { maxPerWindow: 100_000, searchMaxPerWindow: 100_000 },
    webhooks: { flushIntervalMs: 50, retryBaseMs: 50, timeoutMs: 2_000 },
    ...o.crm,
  })
  const url = crm.url ?? (await crm.start(0, '127.0.0.1')).url
  const dataDir = o.dataDir ?? (await mkdtemp(join(tmpdir(), 'crm-bridge-test-')))
  if (o.prepare) {
    const plain = await startTestServer({ ...o.env, BRIDGE_ENABLED: 'false' }, dataDir)
    await o.prepare(plain)
    await plain.stop()
  }
  const server = await startTestServer({
    BRIDGE_ENABLED: 'true', CRM_BASE_URL: url, CRM_TOKEN: crm.token, CRM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    BRIDGE_BOOK_REFRESH_MS: '200', ...FAST_BRIDGE_ENV, ...o.env,
  }, dataDir)
  const clients: ProviderClient[] = []
  const service = (): BridgeService => {
    const s = server.bridge?.service
    if (!s) throw new Error('the bridge is not running')
    return s
  }
  return {
    crm,
    server,
    service,
    async settle(timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs
      let quiet = 0
      while (quiet < 3) {
        if (Date.now() > until) throw new Error(`bridge did not settle: ${JSON.stringify(await service().status())}`)
        await new Promise((r) => setTimeout(r, 150))
        const s = service()
        const outbox = await s['o'].state.countOutbox()
        if (s.isIdle && outbox === 0) quiet++
        else quiet = 0
        if (quiet === 1) s.requestPull()
      }
    },
    async client(bookId, user = 'alice') {
      const c = connectProvider(server.wsUrl, bookId, await server.token(user))
      await whenSynced(c)
      clients.push(c)
      return c
    },
    companiesByRecordId() {
      const out = new Map<string, Record<string, string>>()
      for (const r of crm.store.list('companies')) {
        const id = r.properties['crdt_record_id']
        if (id) {
          if (out.has(id)) throw new Error(`duplicate CRM company for ${id}`)
          out.set(id, r.properties)
        }
      }
      return out
    },
    async dispose() {
      for (const c of clients) c.destroy()
      await server.dispose()
      if (!o.crmInstance) await crm.stop()
    },
  }
}

export function customersOf(doc: Y.Doc): Customer[] {
  return [...doc.getMap('customers').keys()].map((id) => readCustomer(doc, id)).filter((c): c is Customer => c !== null)
}

export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * Makes a book big (RigOptions.prepare): 1.2 MB of call notes (not bridged) on its first customer,
 * so that asleep it takes edits into a tail, which no document event shows.
 */
export async function makeBookBig(server: TestServer, bookId: string): Promise<void> {
  const c = connectProvider(server.wsUrl, bookId, await server.token('alice'))
  await whenSynced(c)
  const [first] = [...c.doc.getMap('customers').keys()]
  for (let i = 0; i < 12; i++) addActivity(c.doc, first!, { kind: 'call', by: 'alice', text: `${i}`.repeat(100_000) })
  const stored = () => Y.encodeStateAsUpdate(server.rooms.peek(bookId)!.doc).length > 1_200_000
  await eventually(stored, 15_000, 'the notes at the relay')
  await server.rooms.flushAll()
  c.destroy()
}

/** Waits until the book is asleep, and stays asleep through the bridge's status (the consistency figure reads every book). */
export function asleepThroughStatus(rig: BridgeRig, bookId: string): Promise<void> {
  const asleep = () => rig.server.rooms.peek(bookId)?.isDormant === true
  return eventually(async () => {
    if (!asleep()) return false
    await rig.service().status()
    return asleep()
  }, 30_000, 'the book asleep through a status')
}
