// `npm run crm-emulator` as a process: serves on CRM_EMULATOR_PORT for CRM_TOKEN and exits
// cleanly on SIGTERM; and an embedded emulator leaves no timers or sockets behind after stop().
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createCrmEmulator } from './crm-emulator'

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url))
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url))

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })

describe('the crm-emulator process', () => {
  it('serves the API and exits 0 on SIGTERM', async () => {
    const port = await freePort()
    const child = spawn(tsx, [cli], {
      env: { ...process.env, CRM_EMULATOR_PORT: String(port), CRM_TOKEN: 'cli-token', CRM_EMULATOR_SEED_COMPANIES: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the emulator did not start')), 20_000)
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('HubSpot-compatible CRM at')) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
    const res = await fetch(`http://127.0.0.1:${port}/crm/v3/objects/companies`, { headers: { authorization: 'Bearer cli-token' } })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { results: unknown[] }).results).toHaveLength(2)
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })

  it('refuses a bad configuration with a message naming the variable', async () => {
    const child = spawn(tsx, [cli], { env: { ...process.env, CRM_EMULATOR_PORT: 'nope' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(1)
    expect(stderr).toContain('CRM_EMULATOR_PORT')
  })
})

describe('an embedded emulator', () => {
  it('leaves no timers or servers behind after stop()', async () => {
    const count = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'TCPServerWrap').length
    const before = count()
    const emulator = createCrmEmulator({ webhooks: { targetUrl: 'http://127.0.0.1:9/none' } })
    await emulator.start(0)
    expect(count()).toBeGreaterThan(before)
    await emulator.stop()
    await emulator.stop()
    // Node's own short-lived timers (e.g. the cached Date header) may linger for up to a second.
    const until = Date.now() + 2_000
    while (count() > before && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
    expect(count()).toBeLessThanOrEqual(before)
  })
})
