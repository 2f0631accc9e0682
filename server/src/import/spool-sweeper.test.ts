// The sweep of upload copies a crashed server left behind, on real directories: it removes
// those no process can still be using, and keeps this process's own, fresh ones (maybe a live
// import of another server sharing /tmp) and those of live processes.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer } from '../testing/test-server'
import { createSpoolDir } from './spool-dir'
import { sweepStaleSpools } from './spool-sweeper'

const HOUR = 3_600_000

/** The pid of a process that has exited. */
const deadPid = () => new Promise<number>((resolve) => {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  child.on('exit', () => resolve(child.pid!))
})

/** A spool directory as an import leaves it: its `upload` file last written `fileAgeMs` ago, the directory `ageMs` ago. */
async function spoolDir(parent: string, name: string, ageMs: number, fileAgeMs = ageMs): Promise<string> {
  const dir = join(parent, name)
  await mkdir(dir)
  await writeFile(join(dir, 'upload'), 'Company\nAcme\n')
  await age(join(dir, 'upload'), fileAgeMs)
  await age(dir, ageMs)
  return dir
}
async function age(path: string, ageMs: number): Promise<void> {
  const when = new Date(Date.now() - ageMs)
  await utimes(path, when, when)
}

describe('sweepStaleSpools', () => {
  let parent = ''
  let live: ChildProcess
  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'crm-spool-sweep-test-'))
    live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' })
  })
  afterAll(async () => {
    live.kill()
    await rm(parent, { recursive: true, force: true })
  })

  it('removes what no process can still use, and keeps everything else', async () => {
    const dead = await deadPid()
    const self = await createSpoolDir(parent)
    await writeFile(join(self, 'upload'), 'x')
    await age(join(self, 'upload'), 3 * HOUR)
    await age(self, 3 * HOUR)
    const notDir = join(parent, `crm-import-${dead}.abc-notdir`)
    await writeFile(notDir, 'a file, not a spool directory')
    await age(notDir, 3 * HOUR)

    const expected = {
      removed: [
        await spoolDir(parent, `crm-import-${dead}.abc-aaaaaa`, 2 * HOUR), // owner gone
        await spoolDir(parent, `crm-import-${process.pid}.old1-bbbbbb`, 2 * HOUR), // this pid, an earlier process
        await spoolDir(parent, `crm-import-${live.pid}.abc-cccccc`, 25 * HOUR), // pid alive, but a day untouched: reused
        await spoolDir(parent, 'crm-import-Dd3ddd', 2 * HOUR), // named before names said the owner
      ],
      kept: [
        self, // this process's own: an import running now
        await spoolDir(parent, `crm-import-${dead}.abc-Ff9xQ2`, 3 * HOUR, 60_000), // its file still being written
        await spoolDir(parent, `crm-import-${dead}.abc-eeeeee`, 10 * 60_000), // fresh: maybe a server in another pid namespace
        await spoolDir(parent, 'crm-import-Ff3fff', 10 * 60_000),
        await spoolDir(parent, `crm-import-${live.pid}.abc-gggggg`, 2 * HOUR), // owner alive
        await spoolDir(parent, 'crm-import-cli-hhhhhh', 30 * HOUR), // not a spool directory
        await spoolDir(parent, 'unrelated', 30 * HOUR),
        notDir,
      ],
    }
    const removed = await sweepStaleSpools({ dir: parent })
    expect(removed.sort()).toEqual([...expected.removed].sort())
    expect((await readdir(parent)).sort()).toEqual(expected.kept.map((p) => basename(p)).sort())
  })

  it('does not fail on a directory that does not exist', async () => {
    expect(await sweepStaleSpools({ dir: join(parent, 'missing') })).toEqual([])
  })
})

describe('server start-up', () => {
  it('sweeps the spool directory before taking imports', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'crm-spool-sweep-start-test-'))
    await spoolDir(parent, `crm-import-${await deadPid()}.abc-Start1`, 2 * HOUR)
    const fresh = await spoolDir(parent, `crm-import-${await deadPid()}.abc-Start2`, 0)
    const server = await startTestServer({}, undefined, { importSpool: { dir: parent } })
    try {
      expect(await readdir(parent)).toEqual([basename(fresh)])
    } finally {
      await server.dispose()
      await rm(parent, { recursive: true, force: true })
    }
  })
})
