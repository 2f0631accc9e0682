// `npm start` when start-up fails: one log line saying why, the store closed, a non-zero exit,
// not an unhandled error that kills the process with the store still open.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { MAIN } from './testing/child-server'

it('logs one line, closes the store and exits 1 when the port is taken', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'crm-sync-main-start-up-'))
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  try {
    const port = (blocker.address() as AddressInfo).port
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', BRIDGE_ENABLED: 'false', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const hung = setTimeout(() => child.kill('SIGKILL'), 20_000) // a start-up that never ends fails the test, not the run
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)))
    clearTimeout(hung)

    expect(code, stdout + stderr).toBe(1)
    // Told once, in the log, and not as an uncaught error's trace on stderr.
    const failed = stdout.split('\n').filter((line) => line.includes('start-up failed'))
    expect(failed).toHaveLength(1)
    expect(stderr).not.toContain('EADDRINUSE')
    expect(JSON.parse(failed[0]!)).toMatchObject({ level: 60, msg: 'start-up failed', err: { code: 'EADDRINUSE' } })
    // SQLite removes the WAL when its last connection closes, not when a process dies holding it.
    expect(existsSync(join(dataDir, 'crm-sync.db'))).toBe(true)
    expect(existsSync(join(dataDir, 'crm-sync.db-wal'))).toBe(false)
  } finally {
    await new Promise((resolve) => blocker.close(resolve))
    await rm(dataDir, { recursive: true, force: true })
  }
})
