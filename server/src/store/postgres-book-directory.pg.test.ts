// Runs the BookDirectory contract against the local PostgreSQL, in a schema of its own.
import { runBookDirectoryContract } from './book-directory.contract'
import { createPostgresBookDirectory } from './postgres-book-directory'
import { createPostgresTestSchema } from './postgres-test-schema'

const db = createPostgresTestSchema('book_directory')
const open = async () => createPostgresBookDirectory(await db.migratedPool(), { closePool: true })

runBookDirectoryContract('postgres', {
  open,
  async reopen(previous) {
    await previous.close()
    return open()
  },
  cleanup: () => db.drop(),
})
