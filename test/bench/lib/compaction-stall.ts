// How long one compaction of the big book stops the relay's event loop, encoded there or on the
// snapshot encoder's worker thread (server/src/relay/snapshot-encoder.ts), and how long one edit
// to it does while it is dormant (woken on the event loop, or taken into its tail). The relay uses the
// worker only where it has a core to spare, and the scenarios pin each server to one core, so this
// runs apart: a process of its own on cores 0 and 1 while nothing else runs.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { BigBook } from './big-book'
import type { CompactionStall } from './compaction-stall-main'
import type { DormantEditStall } from './dormant-edit-stall-main'

const REPO = fileURLToPath(new URL('../../../', import.meta.url))
const MAIN = fileURLToPath(new URL('./compaction-stall-main.ts', import.meta.url))
const DORMANT_EDIT_MAIN = fileURLToPath(new URL('./dormant-edit-stall-main.ts', import.meta.url))
const EXIT_WITH_PARENT = fileURLToPath(new URL('./exit-with-parent.ts', import.meta.url))

export type EncodeMode = 'loop' | 'worker'

/**
 * One compaction of `book` in a fresh process; `pinned`: run it on cores 0 and 1 (taskset);
 * `bundleDir`: our server's build, whose worker it uses.
 */
export const measureCompactionStall = (book: BigBook, mode: EncodeMode, pinned: boolean, bundleDir: string): Promise<CompactionStall> =>
  runWithBook<CompactionStall>(MAIN, book, mode, pinned, [bundleDir])

/**
 * Runs `main` (a child of these probes: <state file> <mode> <directory>) in a fresh process with
 * `book` written to a file, and returns the JSON of its last line of output.
 */
export const runWithBook = async <T>(main: string, book: BigBook, mode: string, pinned: boolean, extra: readonly string[] = []): Promise<T> => {
  const dir = await mkdtemp(join(tmpdir(), 'bench-stall-'))
  try {
    const statePath = join(dir, 'book.bin')
    await writeFile(statePath, book.state)
    const node = [process.execPath, '--import', 'tsx', '--import', EXIT_WITH_PARENT, main, statePath, mode, dir, ...extra]
    const [cmd, ...args] = pinned ? ['taskset', '-c', '0,1', ...node] : node
    const { NODE_OPTIONS: _ignored, ...env } = process.env
    const { stdout } = await promisify(execFile)(cmd!, args, { cwd: REPO, env, maxBuffer: 1 << 20, timeout: 120_000 })
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as T
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * One edit to `book` while it is dormant, then one read of its customers, in a fresh process (see
 * dormant-edit-stall-main.ts); `bundleDir`: our server's build, whose workers it uses.
 */
export const measureDormantEditStall = (book: BigBook, mode: 'wake' | 'tail', pinned: boolean, bundleDir: string): Promise<DormantEditStall> =>
  runWithBook<DormantEditStall>(DORMANT_EDIT_MAIN, book, mode, pinned, [bundleDir])
