// Starts one server under test (ours or a peer) in its own process, pinned to its own core with
// taskset where available, and measures it from outside (CPU seconds, RSS) through /proc.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cpuSeconds, rssBytes } from './proc-stats'
import { serverBuilds } from './server-builds'

export const SERVER_KINDS = ['ours', 'hocuspocus', 'y-websocket-server'] as const
/** Plus the fan-out scenario's reference: no Yjs, bytes forwarded (peers/forwarder-main.ts). */
export type ServerKind = (typeof SERVER_KINDS)[number] | 'forwarder'

/** The servers this run measures: all, or those named in BENCH_SERVERS (e.g. "ours" to try a fix). */
export const BENCH_KINDS: readonly ServerKind[] = process.env.BENCH_SERVERS
  ? SERVER_KINDS.filter((k) => process.env.BENCH_SERVERS!.split(',').includes(k))
  : SERVER_KINDS

export const SERVER_LABEL: Record<ServerKind, string> = {
  ours: 'ours (relay)',
  hocuspocus: 'Hocuspocus 3.4.4',
  'y-websocket-server': '@y/websocket-server 0.1.1',
  forwarder: 'floor: byte forwarder (no Yjs)',
}

const REPO = fileURLToPath(new URL('../../../', import.meta.url))

/** A server's memory after a full GC, as memory-probe.ts reports it. */
export interface MemoryAfterGc {
  readonly rss: number
  readonly heapUsed: number
  readonly external: number
}

export interface ServerOptions {
  /** Core to pin the server to (taskset -c); null runs it unpinned. */
  readonly core: number | null
  /** Extra environment (ours: e.g. COMPACT_THRESHOLD). */
  readonly env?: Record<string, string>
  /** Ours: reuse this DATA_DIR (kept on stop); otherwise a fresh temporary one is made and removed. */
  readonly dataDir?: string
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] when profiling a server. */
  readonly nodeArgs?: readonly string[]
}

export interface ServerProcess {
  readonly kind: ServerKind
  readonly pid: number
  readonly port: number
  readonly httpUrl: string
  readonly cpuSeconds: () => number
  readonly rssBytes: () => number
  /** Runs a full GC in the server and reports its memory (see memory-probe.ts). */
  memoryAfterGc(): Promise<MemoryAfterGc>
  /** SIGTERM, then SIGKILL after 10 s; removes a temporary DATA_DIR. */
  stop(): Promise<void>
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })

const waitForHttp = async (url: string, child: ChildProcess, output: () => string, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`)
    try {
      const res = await fetch(url)
      if (res.ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not answer ${url} in time:\n${output()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

export const startServerProcess = async (kind: ServerKind, opts: ServerOptions): Promise<ServerProcess> => {
  const port = await freePort()
  const tempDir = kind === 'ours' && !opts.dataDir ? mkdtempSync(join(tmpdir(), 'crm-bench-')) : null
  const dataDir = opts.dataDir ?? tempDir
  const { NODE_OPTIONS: _ignored, ...inherited } = process.env
  const env: Record<string, string | undefined> = {
    ...inherited,
    PORT: String(port),
    NODE_ENV: 'production',
    ...(kind === 'ours'
      ? { HOST: '127.0.0.1', DATA_DIR: dataDir!, AUTH_MODE: 'dev', BRIDGE_ENABLED: 'false', LOG_LEVEL: 'warn' }
      : {}),
    ...opts.env,
  }
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", applies to every server started.
  const fromEnv = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  // BENCH_OURS_NODE_ARGS applies to our server only (e.g. a V8 flag tried on ours alone).
  const oursOnly = kind === 'ours' ? (process.env.BENCH_OURS_NODE_ARGS?.split(' ').filter(Boolean) ?? []) : []
  const builds = await serverBuilds()
  const preloads = builds.preloads.flatMap((p) => ['--import', p])
  const nodeArgs = [...fromEnv, ...oursOnly, ...(opts.nodeArgs ?? []), '--expose-gc', '--enable-source-maps', ...preloads, builds.entry[kind]]
  const [cmd, args] =
    opts.core === null ? [process.execPath, nodeArgs] : ['taskset', ['-c', String(opts.core), process.execPath, ...nodeArgs]]
  const child = spawn(cmd, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] })
  running.add(child)
  let out = ''
  let memoryWaiter: ((m: MemoryAfterGc) => void) | null = null
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-16_000)
    const line = /\{"msg":"bench-memory"[^\n]*\}/.exec(chunk.toString())?.[0]
    if (line && memoryWaiter) memoryWaiter(JSON.parse(line) as MemoryAfterGc)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  let stopping = false
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      // A server that dies under load says why here; the scenario only sees its requests fail.
      if (!stopping) process.stderr.write(`[bench] ${kind} server exited unexpectedly (code ${code}, signal ${signal}); its last output:\n${out}\n`)
      resolve()
    }),
  )
  void exited.then(() => running.delete(child))
  const httpUrl = `http://127.0.0.1:${port}`
  try {
    await waitForHttp(kind === 'ours' ? `${httpUrl}/health` : httpUrl, child, () => out)
  } catch (e) {
    stopping = true // the error carries the output
    child.kill('SIGKILL')
    if (tempDir) rmSync(tempDir, { recursive: true, force: true })
    throw e
  }
  const pid = child.pid!
  return {
    kind,
    pid,
    port,
    httpUrl,
    cpuSeconds: () => cpuSeconds(pid),
    rssBytes: () => rssBytes(pid),
    memoryAfterGc: () =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${kind}: no memory report`)), 10_000)
        memoryWaiter = (m) => {
          clearTimeout(timer)
          memoryWaiter = null
          resolve(m)
        }
        child.kill('SIGUSR2')
      }),
    async stop() {
      stopping = true
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(killer)
      }
      if (tempDir) rmSync(tempDir, { recursive: true, force: true })
    },
  }
}
