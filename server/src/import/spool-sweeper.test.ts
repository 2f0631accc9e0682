// The sweep of upload copies a crashed server left behind, on real directories: it removes
// those no process can still be using, and keeps this process's own, fresh ones (maybe a live
// import of another server sharing /tmp) and those of live processes. Which pids live and what
// time it is come from the sweep's seams, not from real processes and the clock.
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer } from '../testing/test-server'
import { waitFor } from '../testing/ws-clients'
import { capturingLog } from './import-test-kit'
import { createSpoolDir } from './spool-dir'
import { SpoolSweeper, sweepStaleSpools } from './spool-sweeper'

const HOUR = 3_600_000
const NOW = Date.now()
const LIVE = 4_000_001
const DEAD = 4_000_002
const isAlive = (pid: number) => pid === LIVE || pid === process.pid

/** A spool directory as an import leaves it: its `upload` file last written `fileAgeMs` before NOW, the directory `ageMs`. */
async function spoolDir(parent: string, name: string, ageMs: number, fileAgeMs = ageMs): Promise<string> {
  const dir = join(parent, name)
  await mkdir(dir)
  await writeFile(join(dir, 'upload'), 'Company\nAcme\n')
  await age(join(dir, 'upload'), fileAgeMs)
  await age(dir, ageMs)
  return dir
}
async function age(path: string, ageMs: number): Promise<void> {
  const when = new Date(NOW - ageMs)
  await utimes(path, when, when)
}
/** A directory outside the spool directory, with a file the sweep must never touch. */
async function outside(parent: string, name: string): Promise<string> {
  const dir = join(parent, name)
  await mkdir(dir)
  await writeFile(join(dir, 'keep.txt'), 'not the sweeper’s')
  return dir
}

describe('sweepStaleSpools', () => {
  let parent = ''
  let elsewhere = ''
  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'crm-spool-sweep-test-'))
    elsewhere = await mkdtemp(join(tmpdir(), 'crm-spool-sweep-outside-'))
  })
  afterAll(async () => {
    await rm(parent, { recursive: true, force: true })
    await rm(elsewhere, { recursive: true, force: true })
  })

  it('removes what no process can still use, and keeps everything else', async () => {
    const self = await createSpoolDir(parent)
    await writeFile(join(self, 'upload'), 'x')
    await age(join(self, 'upload'), 3 * HOUR)
    await age(self, 3 * HOUR)
    const notDir = join(parent, `crm-import-${DEAD}.abc-notdir`)
    await writeFile(notDir, 'a file, not a spool directory')
    await age(notDir, 3 * HOUR)

    const expected = {
      removed: [
        await spoolDir(parent, `crm-import-${DEAD}.abc-aaaaaa`, 2 * HOUR), // owner gone
        await spoolDir(parent, `crm-import-${process.pid}.old1-bbbbbb`, 2 * HOUR), // this pid, an earlier process
        await spoolDir(parent, `crm-import-${LIVE}.abc-cccccc`, 25 * HOUR), // pid alive, but a day untouched: reused
        await spoolDir(parent, 'crm-import-Dd3ddd', 2 * HOUR), // named before names said the owner
      ],
      kept: [
        self, // this process's own: an import running now
        await spoolDir(parent, `crm-import-${DEAD}.abc-Ff9xQ2`, 3 * HOUR, 60_000), // its file still being written
        await spoolDir(parent, `crm-import-${DEAD}.abc-eeeeee`, 10 * 60_000), // fresh: maybe a server in another pid namespace
        await spoolDir(parent, 'crm-import-Ff3fff', 10 * 60_000),
        await spoolDir(parent, `crm-import-${LIVE}.abc-gggggg`, 2 * HOUR), // owner alive
        await spoolDir(parent, 'crm-import-cli-hhhhhh', 30 * HOUR), // not a spool directory
        await spoolDir(parent, 'unrelated', 30 * HOUR),
        notDir,
      ],
    }
    const removed = await sweepStaleSpools({ dir: parent, now: () => NOW, isAlive })
    expect(removed.sort()).toEqual([...expected.removed].sort())
    expect((await readdir(parent)).sort()).toEqual(expected.kept.map((p) => basename(p)).sort())
    // The same directories an hour later: the fresh ones have aged past the hour.
    const later = await sweepStaleSpools({ dir: parent, now: () => NOW + HOUR, isAlive })
    expect(later.map((p) => basename(p)).sort()).toEqual([`crm-import-${DEAD}.abc-Ff9xQ2`, `crm-import-${DEAD}.abc-eeeeee`, 'crm-import-Ff3fff'].sort())
  })

  it('neither follows nor removes through a symbolic link named like a spool directory', async () => {
    const target = await outside(elsewhere, 'linked-dir')
    const link = join(parent, `crm-import-${DEAD}.abc-Link01`)
    await symlink(target, link)
    expect(await sweepStaleSpools({ dir: parent, now: () => NOW + 48 * HOUR, isAlive })).not.toContain(link)
    expect(await readFile(join(target, 'keep.txt'), 'utf8')).toBe('not the sweeper’s')
    await rm(link)
  })

  it('removes a stale spool directory holding a link to a directory outside, and not what the link points to', async () => {
    const target = await outside(elsewhere, 'pointed-at')
    const dir = await spoolDir(parent, `crm-import-${DEAD}.abc-Link02`, 2 * HOUR)
    await symlink(target, join(dir, 'escape')) // made now: the sweep runs two hours later
    expect(await sweepStaleSpools({ dir: parent, now: () => Date.now() + 2 * HOUR, isAlive })).toContain(dir)
    expect(await readdir(parent)).not.toContain(basename(dir))
    expect(await readFile(join(target, 'keep.txt'), 'utf8')).toBe('not the sweeper’s')
  })

  it('does not fail on a directory that does not exist', async () => {
    expect(await sweepStaleSpools({ dir: join(parent, 'missing') })).toEqual([])
  })
})

describe('SpoolSweeper', () => {
  it('never runs two sweeps at once, however slow one is, and none after stop()', async () => {
    let running = 0
    let most = 0
    let sweeps = 0
    const slowSweep = async () => {
      sweeps++
      most = Math.max(most, ++running)
      await sleep(40)
      running--
      return []
    }
    const sweeper = new SpoolSweeper({ dir: tmpdir(), intervalMs: 5 }, slowSweep)
    await sweeper.start()
    await waitFor(() => sweeps >= 3)
    await sweeper.stop()
    const after = sweeps
    await sleep(60)
    expect(most).toBe(1)
    expect(running).toBe(0)
    expect(sweeps).toBe(after)
  })
})

describe('a test server', () => {
  let parent = ''
  afterEach(async () => {
    await rm(parent, { recursive: true, force: true })
  })

  it('sweeps its spool directory once start-up has it listening, before start-up resolves: a stale copy goes, a fresh one stays', async () => {
    parent = await mkdtemp(join(tmpdir(), 'crm-spool-sweep-start-test-'))
    await spoolDir(parent, `crm-import-${process.pid}.old2-Start1`, 2 * HOUR - (Date.now() - NOW))
    const fresh = await spoolDir(parent, `crm-import-${process.pid}.old2-Start2`, 0)
    const server = await startTestServer({}, undefined, { importSpool: { dir: parent } })
    try {
      expect(await readdir(parent)).toEqual([basename(fresh)])
    } finally {
      await server.dispose()
    }
  })

  it('given no spool directory, leaves os.tmpdir() alone', async () => {
    // An earlier process's copy by this pid: every other sweeper sees a live owner and keeps it
    // for a day; a sweep of os.tmpdir() from this process would remove it.
    parent = await spoolDir(tmpdir(), `crm-import-${process.pid}.old3-${Math.random().toString(36).slice(2, 8).padEnd(6, '0')}`, 2 * HOUR - (Date.now() - NOW))
    const server = await startTestServer()
    try {
      expect(await readdir(parent)).toEqual(['upload'])
    } finally {
      await server.dispose()
    }
  })

  it('stops its sweeper on shutdown even when closing the store fails', async () => {
    const { log, lines } = capturingLog()
    const server = await startTestServer({}, undefined, { log })
    const close = server.persistence.close.bind(server.persistence)
    Object.assign(server.persistence, { close: () => Promise.reject(new Error('the store would not close')) })
    await expect(server.dispose()).rejects.toThrow('the store would not close')
    expect(lines.some((l) => l.msg === 'import spool sweeper stopped')).toBe(true)
    await close()
  })
})
