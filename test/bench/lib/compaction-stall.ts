// How long one compaction of the big book stops the relay's event loop, encoded there or on the
// snapshot encoder's worker thread (server/src/relay/snapshot-encoder.ts). The relay uses the
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

const REPO = fileURLToPath(new URL('../../../', import.meta.url))
const MAIN = fileURLToPath(new URL('./compaction-stall-main.ts', import.meta.url))
const EXIT_WITH_PARENT = fileURLToPath(new URL('./exit-with-parent.ts', import.meta.url))

export type EncodeMode = 'loop' | 'worker'

/** One compaction of `book` in a fresh process; `pinned`: run it on cores 0 and 1 (taskset). */
export const measureCompactionStall = async (book: BigBook, mode: EncodeMode, pinned: boolean): Promise<CompactionStall> => {
  const dir = await mkdtemp(join(tmpdir(), 'bench-stall-'))
  try {
    const statePath = join(dir, 'book.bin')
    await writeFile(statePath, book.state)
    const node = [process.execPath, '--import', 'tsx', '--import', EXIT_WITH_PARENT, MAIN, statePath, mode, dir]
    const [cmd, ...args] = pinned ? ['taskset', '-c', '0,1', ...node] : node
    const { NODE_OPTIONS: _ignored, ...env } = process.env
    const { stdout } = await promisify(execFile)(cmd!, args, { cwd: REPO, env, maxBuffer: 1 << 20, timeout: 120_000 })
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as CompactionStall
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
