// The emulator's own control API under /__emulator (not HubSpot's): faults, simulated office
// activity, seeding, reset and webhook delivery counters, for tests and demos.
import { Hono } from 'hono'
import { z } from 'zod'
import { applySeed, generateSeed } from '../activity/seed'
import { simulateOfficeEdits } from '../activity/simulate'
import type { FaultInjector } from '../faults/fault-injector'
import { faultConfigSchema } from '../faults/fault-config'
import { seededRandom } from '../random'
import type { CrmStore } from '../store/crm-store'
import type { WebhookDispatcher } from '../webhooks/webhook-dispatcher'
import type { EmulatorEnv } from './hono-env'
import { readJson } from './json-body'
import type { RateLimiter } from './rate-limiter'

const simulateInput = z.object({ count: z.number().int().min(1).max(10_000), seed: z.number().int().optional() })
const seedInput = z.object({ companies: z.number().int().min(1).max(20_000), seed: z.number().int().optional() })

export interface ControlDeps {
  store: CrmStore
  faults: FaultInjector
  limiter: RateLimiter
  webhooks: WebhookDispatcher
  clock: () => number
}

export function controlRoutes({ store, faults, limiter, webhooks, clock }: ControlDeps): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>()
  const faultsJson = () => ({ config: faults.current, stats: faults.counters })

  app.get('/__emulator/faults', (c) => c.json(faultsJson()))
  app.post('/__emulator/faults', async (c) => {
    faults.set(await readJson(c, faultConfigSchema.partial()))
    return c.json(faultsJson())
  })
  app.delete('/__emulator/faults', (c) => {
    faults.set({})
    return c.json(faultsJson())
  })

  app.post('/__emulator/simulate', async (c) => {
    const body = await readJson(c, simulateInput)
    const random = body.seed === undefined ? Math.random : seededRandom(body.seed)
    const edits = store.transaction(() => simulateOfficeEdits(store, body.count, random, clock()))
    return c.json({ count: edits.length, edits })
  })

  app.post('/__emulator/seed', async (c) => {
    const body = await readJson(c, seedInput)
    const result = applySeed(store, generateSeed({ companies: body.companies, seed: body.seed ?? Date.now(), now: clock() }))
    return c.json(result, 201)
  })

  app.post('/__emulator/reset', (c) => {
    store.reset()
    limiter.reset()
    return c.json({ ok: true })
  })

  app.get('/__emulator/webhooks', (c) => c.json(webhooks.stats()))
  app.post('/__emulator/webhooks/flush', (c) => {
    webhooks.flush()
    return c.json(webhooks.stats())
  })

  return app
}
