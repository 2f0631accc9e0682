// Runs the BookDirectory contract against SQLite on real files, each test in a fresh temp dir.
import type { BookDirectory } from './book-directory'
import { runBookDirectoryContract } from './book-directory.contract'
import { createSqliteBookDirectory } from './sqlite-book-directory'
import { openSqliteDatabase } from './sqlite-database'
import { createSqliteTempFiles } from './sqlite-temp-files'

const files = createSqliteTempFiles('book-directory')
const pathOf = new Map<BookDirectory, string>()
const openAt = (path: string) => {
  const directory = createSqliteBookDirectory(openSqliteDatabase(path), { closeDatabase: true })
  pathOf.set(directory, path)
  return directory
}

runBookDirectoryContract('sqlite', {
  open: async () => openAt(await files.newPath()),
  async reopen(previous) {
    await previous.close()
    return openAt(pathOf.get(previous)!)
  },
  cleanup: () => files.cleanup(),
})
