// Test helper: a real emulator on an ephemeral 127.0.0.1 port with the official HubSpot SDK
// pointed at it; `stop()` (called from afterEach) shuts both down.
import { Client } from '@hubspot/api-client'
import { createCrmEmulator, type CrmEmulator, type CrmEmulatorOptions } from '../crm-emulator'

export interface EmulatorFixture {
  emulator: CrmEmulator
  client: Client
  url: string
  token: string
  /** fetch against the emulator with the bearer token. */
  api(path: string, init?: RequestInit): Promise<Response>
  stop(): Promise<void>
}

/** Rate limits high enough that functional tests never meet them. */
export const RELAXED_LIMITS = { maxPerWindow: 100_000, searchMaxPerWindow: 100_000 } as const

export async function startEmulator(options: CrmEmulatorOptions = {}): Promise<EmulatorFixture> {
  const emulator = createCrmEmulator({ rateLimits: RELAXED_LIMITS, ...options })
  const { url } = await emulator.start(0, '127.0.0.1')
  const client = new Client({ accessToken: emulator.token, basePath: url })
  return {
    emulator,
    client,
    url,
    token: emulator.token,
    api: (path, init = {}) =>
      fetch(`${url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json', ...init.headers },
      }),
    stop: () => emulator.stop(),
  }
}

/** The HTTP status and body of an SDK call that is expected to fail. */
export async function sdkError(call: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await call
  } catch (error) {
    const e = error as { code?: number; body?: unknown }
    const body = typeof e.body === 'string' ? (JSON.parse(e.body) as Record<string, unknown>) : ((e.body ?? {}) as Record<string, unknown>)
    return { code: e.code ?? 0, body }
  }
  throw new Error('expected the SDK call to fail')
}
