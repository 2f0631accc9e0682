// Runs `server/src/main.ts` in a child process (as `npm start` does) so tests can kill it hard.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url))

export interface ChildServer {
  readonly child: ChildProcess
  readonly port: number
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  readonly output: () => string
}

/**
 * Starts the server with the given environment and resolves once it logged "listening". `nodeArgs`
 * name what Node runs: the sources under tsx by default, or the bundle `npm start` builds.
 */
export const spawnServer = (
  env: Record<string, string>,
  timeoutMs = 20_000,
  nodeArgs: readonly string[] = ['--import', 'tsx', MAIN],
): Promise<ChildServer> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', BRIDGE_ENABLED: 'false', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
      child.once('exit', (code, signal) => r({ code, signal })),
    )
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`server did not start in time:\n${out}`))
    }, timeoutMs)
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      const line = out.split('\n').find((l) => l.includes('"msg":"listening"'))
      if (line) {
        clearTimeout(timer)
        child.stdout?.off('data', onData)
        child.stdout?.on('data', (c: Buffer) => (out += c.toString()))
        resolve({ child, port: (JSON.parse(line) as { port: number }).port, exited, output: () => out })
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()))
    void exited.then(({ code }) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code} before listening:\n${out}`))
    })
  })
