// Child process of the crash test in sqlite-doc-store.test.ts: appends to one book and prints
// each acknowledged seq, until the parent kills it with SIGKILL.
import { openSqliteDatabase } from './sqlite-database'
import { createSqliteDocStore } from './sqlite-doc-store'

const [path, bookId] = process.argv.slice(2)
if (!path || !bookId) throw new Error('usage: sqlite-crash-writer.fixture.ts <db path> <book id>')

const store = createSqliteDocStore(openSqliteDatabase(path))
for (let i = 1; ; i++) {
  // Two appends per burst, so that the kill may also land in a group commit of several callers.
  const updates = [i, -i].map((n) => new Uint8Array(4096).fill(n & 0xff))
  const acked = await Promise.all(updates.map((update) => store.append(bookId, [{ update, userId: 'crash' }])))
  process.stdout.write(acked.flat().map((u) => `acked ${u.seq} ${u.update[0]}\n`).join(''))
}
