// Test helper: fresh SQLite file paths in their own temp directories, all removed at the end,
// so SQLite tests run against real files (WAL, fsync) rather than ':memory:'.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface SqliteTempFiles {
  /** A path to a database file that does not exist yet, in a new temp directory. */
  newPath(): Promise<string>
  /** Removes every directory handed out so far. */
  cleanup(): Promise<void>
}

export function createSqliteTempFiles(prefix: string): SqliteTempFiles {
  const dirs: string[] = []
  return {
    async newPath() {
      const dir = await mkdtemp(join(tmpdir(), `crm-sync-${prefix}-`))
      dirs.push(dir)
      return join(dir, 'store.sqlite')
    },
    async cleanup() {
      await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
    },
  }
}
