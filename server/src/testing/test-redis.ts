// Redis for tests: the shared local server with a unique key prefix, or a private redis-server
// on a free port for tests that stop and restart Redis.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'

export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379'

export const uniquePrefix = (): string => `crm-sync-test-${randomBytes(4).toString('hex')}:`

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })

export interface PrivateRedis {
  readonly url: string
  readonly port: number
  start(): Promise<void>
  /** SIGKILL, as a crash or a network cut would look. */
  kill(): Promise<void>
}

export const privateRedis = async (): Promise<PrivateRedis> => {
  const port = await freePort()
  let proc: ChildProcess | null = null
  const url = `redis://127.0.0.1:${port}`
  const ping = async () => {
    const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    c.on('error', () => {})
    try {
      await c.connect()
      return (await c.ping()) === 'PONG'
    } catch {
      return false
    } finally {
      c.disconnect()
    }
  }
  return {
    url,
    port,
    async start() {
      proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
      for (let i = 0; i < 100 && !(await ping()); i++) await new Promise((r) => setTimeout(r, 50))
    },
    async kill() {
      if (!proc) return
      const p = proc
      proc = null
      const exited = new Promise((r) => p.once('exit', r))
      p.kill('SIGKILL')
      await exited
    },
  }
}
