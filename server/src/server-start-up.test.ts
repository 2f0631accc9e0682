// A start-up that fails part-way stops what it had started, with real parts throughout: no file
// of its data directory stays open, and a port it took is free for the next try in-process.
import { mkdtemp, readdir, readlink, realpath, rm } from 'node:fs/promises'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import type { Config } from './config'
import { startServer } from './server'
import { makeTestConfig } from './testing/test-server'

const silent = pino({ level: 'silent' })

/** A plain listener holding a loopback port (0: any free one), as another program would. */
const takePort = (port = 0): Promise<Server> =>
  new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(port, '127.0.0.1', () => resolve(s))
  })
const portOf = (s: Server): number => (s.address() as AddressInfo).port
const release = (s: Server): Promise<void> => new Promise((resolve) => s.close(() => resolve()))
const freePort = async (): Promise<number> => {
  const s = await takePort()
  const port = portOf(s)
  await release(s)
  return port
}

/** Files under `dir` this process holds open (the store's connections, its WAL, the checkpoint worker's). */
const openFilesUnder = async (dir: string): Promise<string[]> => {
  const root = await realpath(dir)
  const fds = await readdir('/proc/self/fd')
  const targets = await Promise.all(fds.map((fd) => readlink(join('/proc/self/fd', fd)).catch(() => '')))
  return targets.filter((target) => target.startsWith(root))
}

/** The error start-up failed with; a server that started after all is stopped, and the test fails. */
const failedStart = async (config: Config): Promise<unknown> => {
  try {
    const server = await startServer(config, { log: silent, importSpool: { dir: join(config.DATA_DIR, 'spool') } })
    await server.stop()
  } catch (error) {
    return error
  }
  throw new Error('start-up did not fail')
}

let cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
  cleanups = []
})

const dataDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'crm-sync-start-up-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

const heldPort = async (port = 0): Promise<Server> => {
  const s = await takePort(port)
  cleanups.push(() => (s.listening ? release(s) : Promise.resolve()))
  return s
}

describe.skipIf(process.platform !== 'linux')('a failed start-up', () => {
  it('closes the stores when the embedded CRM emulator cannot have its port', async () => {
    const dir = await dataDir()
    const emulatorPort = portOf(await heldPort())
    // Fails after the store, the fan-out, the demo books and the emulator's own store opened (the
    // bridge is built after the emulator listens; the HTTP port's test below has its state store open).
    const config = makeTestConfig(dir, { BRIDGE_ENABLED: 'true', CRM_EMULATOR_PORT: String(emulatorPort) })

    expect(await failedStart(config)).toMatchObject({ code: 'EADDRINUSE', port: emulatorPort })
    expect(await openFilesUnder(dir)).toEqual([])
  })

  it('frees the emulator\'s port and closes the stores when the HTTP port is taken', async () => {
    const dir = await dataDir()
    const blocker = await heldPort()
    const emulatorPort = await freePort()
    // The listen is the last step that can fail: everything else had started.
    const config = makeTestConfig(dir, { PORT: String(portOf(blocker)), BRIDGE_ENABLED: 'true', CRM_EMULATOR_PORT: String(emulatorPort) })

    expect(await failedStart(config)).toMatchObject({ code: 'EADDRINUSE', port: portOf(blocker) })
    expect(await openFilesUnder(dir)).toEqual([])

    // A supervisor retrying in-process once the port is free: the same ports, the same data directory.
    await release(blocker)
    const retried = await startServer(config, { log: silent, importSpool: { dir: join(dir, 'spool') } })
    await retried.stop()
    expect(retried.crmEmulator?.url).toBe(`http://127.0.0.1:${emulatorPort}`)
  })

  it('stops the parts it started last first: the bridge before the CRM emulator it talks to', async () => {
    const dir = await dataDir()
    const blocker = await heldPort()
    const config = makeTestConfig(dir, { PORT: String(portOf(blocker)), BRIDGE_ENABLED: 'true', CRM_EMULATOR_PORT: String(await freePort()) })
    const stopped: string[] = []
    const log = pino({ level: 'debug' }, {
      write: (line: string) => {
        const { msg, part } = JSON.parse(line) as { msg: string; part?: string }
        if (msg === 'stopping a part of a failed start-up' && part) stopped.push(part)
      },
    })

    await expect(startServer(config, { log, importSpool: { dir: join(dir, 'spool') } })).rejects.toMatchObject({ code: 'EADDRINUSE' })
    expect(stopped).toEqual(['CRM bridge', 'CRM emulator', 'relay', 'book queries', 'fan-out', 'store'])
  })
})
