// Starts a real server on an ephemeral loopback port with its own temporary data directory,
// for tests. Everything it starts stops in `stop()`.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino, { type Logger } from 'pino'
import { loadConfig, type Config } from '../config'
import type { SpoolOptions } from '../import/body-spool'
import { startServer, type RunningServer } from '../server'

export interface TestServer extends RunningServer {
  readonly dataDir: string
  readonly wsUrl: string
  /** Dev-login token for a user. */
  token(userId: string, name?: string): Promise<string>
  /** Stops the server and removes its data directory. */
  dispose(): Promise<void>
}

export const makeTestConfig = (dataDir: string, env: Record<string, string> = {}): Config =>
  loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', BOOK_UNLOAD_GRACE_MS: '0', BRIDGE_ENABLED: 'false', ...env })

/** `serveClient` serves client/dist at / as `npm start` does (web app tests). */
export interface TestServerOptions {
  readonly serveClient?: boolean
  readonly importSpool?: SpoolOptions
  /** Instead of a logger at the LOG_LEVEL of `env` (tests that check what is logged). */
  readonly log?: Logger
}

export const startTestServer = async (env: Record<string, string> = {}, dataDir?: string, opts: TestServerOptions = {}): Promise<TestServer> => {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'crm-sync-test-')))
  const config = makeTestConfig(dir, env)
  // Uploads are spooled (and the server sweeps) in a directory of this server's own, never the
  // shared os.tmpdir(): a test server must not remove what other processes left there.
  const ownSpoolDir = opts.importSpool?.dir === undefined ? await mkdtemp(join(tmpdir(), 'crm-sync-test-spool-')) : undefined
  const importSpool = { ...opts.importSpool, dir: opts.importSpool?.dir ?? ownSpoolDir }
  const server = await startServer(config, { log: opts.log ?? pino({ level: env['LOG_LEVEL'] ?? 'silent' }), serveClient: opts.serveClient ?? false, importSpool })
  return {
    ...server,
    dataDir: dir,
    wsUrl: `ws://127.0.0.1:${server.port}/sync`,
    token: (userId, name) => server.tokens.issue({ userId, name: name ?? userId }),
    dispose: async () => {
      try {
        await server.stop()
      } finally {
        await rm(dir, { recursive: true, force: true })
        if (ownSpoolDir) await rm(ownSpoolDir, { recursive: true, force: true })
      }
    },
  }
}
