// Starts the HubSpot CRM emulator (packages/crm-emulator, `npm run crm-emulator`) in its own
// process for the bridge scenario, pinned like the servers, so the emulator's CPU neither counts
// as the bridge's nor competes with it. It exits with the bench (exit-with-parent.ts).
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { cpuSeconds } from './proc-stats'

const REPO = fileURLToPath(new URL('../../../', import.meta.url))
const CLI = fileURLToPath(new URL('../../../packages/crm-emulator/src/cli.ts', import.meta.url))
const EXIT_WITH_PARENT = fileURLToPath(new URL('./exit-with-parent.ts', import.meta.url))

export interface CrmEmulatorProcess {
  readonly pid: number
  /** Base URL of the HubSpot API (and of /__emulator/*). */
  readonly url: string
  readonly token: string
  readonly cpuSeconds: () => number
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>
}

export interface CrmEmulatorProcessOptions {
  /** Core to pin the emulator to (taskset -c); null runs it unpinned. */
  readonly core: number | null
  /** CRM_EMULATOR_* variables (rate limits, ...); see packages/crm-emulator/README.md. */
  readonly env?: Record<string, string>
}

export const startCrmEmulatorProcess = async (o: CrmEmulatorProcessOptions): Promise<CrmEmulatorProcess> => {
  const { NODE_OPTIONS: _ignored, ...inherited } = process.env
  const token = o.env?.CRM_TOKEN ?? 'dev-crm-token'
  // Port 0: the emulator picks a free port and prints its URL.
  const env = { ...inherited, NODE_ENV: 'production', CRM_EMULATOR_PORT: '0', CRM_EMULATOR_HOST: '127.0.0.1', CRM_TOKEN: token, ...o.env }
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") applies here as to the servers.
  const fromEnv = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  const nodeArgs = [...fromEnv, '--import', 'tsx', '--import', EXIT_WITH_PARENT, CLI]
  const [cmd, args] = o.core === null ? [process.execPath, nodeArgs] : ['taskset', ['-c', String(o.core), process.execPath, ...nodeArgs]]
  const child = spawn(cmd, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  void exited.then(() => process.off('exit', killOnExit))
  let out = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`crm-emulator did not start in time:\n${out}`))
    }, 30_000)
    const keep = (chunk: Buffer) => {
      out = (out + chunk.toString()).slice(-16_000)
      const found = /CRM at (http:\/\/[^\s]+)/.exec(out)?.[1]
      if (found) {
        clearTimeout(timer)
        resolve(found)
      }
    }
    child.stdout!.on('data', keep)
    child.stderr!.on('data', keep)
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`crm-emulator exited with ${child.exitCode}:\n${out}`))
    })
  })
  const pid = child.pid!
  return {
    pid,
    url,
    token,
    cpuSeconds: () => cpuSeconds(pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(killer)
    },
  }
}
