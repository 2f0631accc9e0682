// Removes the spool directories (spool-dir.ts) that a crashed or killed server left behind:
// an import removes its own copy however it ends, but not when its process dies mid-import.
// Runs at start-up, then an hour after each sweep ends. /tmp may be shared with
// other live servers, so a directory is only removed when nothing can still be using it:
//   its owner is this process                          → kept (an import running now)
//   untouched (dir and file mtimes) for < minAgeMs     → kept (maybe a live import elsewhere,
//                                                        perhaps in a pid namespace we cannot see)
//   owner pid is alive, and not an earlier self        → kept, up to maxAgeMs (a pid may be reused)
//   owner pid gone, earlier self, or unnamed (older)   → removed
import { lstat, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { spoolDirOwner } from './spool-dir'

export interface SpoolSweepOptions {
  /** The directory the spool directories are made in (os.tmpdir(), or the spool's `dir`). */
  readonly dir: string
  /** Younger than this, a directory may belong to an import running in another process. */
  readonly minAgeMs?: number
  /** Older than this, a directory is removed whoever has its owner's pid now. */
  readonly maxAgeMs?: number
  /** Time between sweeps after the first. */
  readonly intervalMs?: number
  readonly log?: Logger | undefined
  /** Seams for tests. */
  readonly now?: () => number
  readonly isAlive?: (pid: number) => boolean
}

const HOUR = 3_600_000
const DEFAULTS = { minAgeMs: HOUR, maxAgeMs: 24 * HOUR, intervalMs: HOUR, now: Date.now, isAlive: processIsAlive } as const

/** One sweep: the paths it removed. Never throws: a directory it cannot read or remove is logged and left. */
export async function sweepStaleSpools(opts: SpoolSweepOptions): Promise<string[]> {
  const o = { ...DEFAULTS, ...opts } satisfies SpoolSweepOptions
  const names = await readdir(o.dir).catch((err: unknown) => {
    o.log?.warn({ err, dir: o.dir }, 'cannot list the import spool directory')
    return []
  })
  const removed: string[] = []
  for (const name of names) {
    const owner = spoolDirOwner(name)
    if (!owner || owner.kind === 'self') continue
    const path = join(o.dir, name)
    try {
      const age = o.now() - (await lastTouched(path))
      if (Number.isNaN(age) || age < o.minAgeMs) continue
      const ownerLives = owner.kind === 'process' && !owner.earlierSelf && o.isAlive(owner.pid)
      if (ownerLives && age < o.maxAgeMs) continue
      await rm(path, { recursive: true, force: true })
      removed.push(path)
    } catch (err) {
      o.log?.warn({ err, path }, 'cannot remove a stale import spool directory')
    }
  }
  if (removed.length > 0) o.log?.info({ removed }, 'removed the temporary copies of imports that a stopped server left behind')
  return removed
}

/**
 * Sweeps at start() and then `intervalMs` after each sweep ends (so sweeps never overlap, however
 * slow the disk), until stop(). `sweep` is the one sweep; a seam for tests.
 */
export class SpoolSweeper {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<unknown> = Promise.resolve()
  private stopped = false

  constructor(
    private readonly opts: SpoolSweepOptions,
    private readonly sweep: (opts: SpoolSweepOptions) => Promise<string[]> = sweepStaleSpools,
  ) {}

  async start(): Promise<void> {
    await (this.running = this.sweep(this.opts))
    this.schedule()
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.running
    this.opts.log?.debug({ dir: this.opts.dir }, 'import spool sweeper stopped')
  }

  private schedule(): void {
    if (this.stopped) return
    this.timer = setTimeout(() => {
      this.running = this.sweep(this.opts)
        .catch((err: unknown) => this.opts.log?.warn({ err, dir: this.opts.dir }, 'the import spool sweep failed'))
        .finally(() => this.schedule())
    }, this.opts.intervalMs ?? DEFAULTS.intervalMs)
    this.timer.unref()
  }
}

/** The newest mtime of a spool directory and its files; NaN when it is not a directory of this user. */
async function lastTouched(path: string): Promise<number> {
  const dir = await lstat(path)
  if (!dir.isDirectory() || (process.getuid && dir.uid !== process.getuid())) return Number.NaN
  let newest = dir.mtimeMs
  for (const entry of await readdir(path)) newest = Math.max(newest, (await lstat(join(path, entry))).mtimeMs)
  return newest
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    // EPERM: it exists, under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
