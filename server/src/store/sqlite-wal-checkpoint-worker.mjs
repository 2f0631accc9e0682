// Worker thread of sqlite-wal-checkpointer.ts: copies the WAL back into the database file on its
// own connection, so the event loop never waits on a checkpoint's writes and fsyncs. Plain
// JavaScript: a worker is started by Node itself, under tsx, vitest or a bundle alike.
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'

const { path } = workerData

// This connection only checkpoints; it never writes, so it never checkpoints by itself either.
const db = new Database(path, { fileMustExist: true, timeout: 0 })
db.pragma('wal_autocheckpoint = 0')
// PASSIVE: copies what no reader still needs and never waits for (or blocks) a writer.
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)')

/**
 * Checkpoints until a round finds no frame it had not seen (a round with nothing to copy costs
 * nothing): the writer then finds the whole WAL copied at its next commit and starts it over.
 */
const run = (maxRounds) => {
  let last = { busy: 0, log: 0, checkpointed: 0 }
  let rounds = 0
  let seen = -1
  while (rounds < maxRounds) {
    last = checkpoint.get()
    rounds++
    if (last.busy || last.log <= seen) break
    seen = last.log
  }
  return { rounds, frames: last.log, checkpointed: last.checkpointed }
}

parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close()
    parentPort.close()
    return
  }
  parentPort.postMessage({ type: 'done', ...run(message.maxRounds) })
})
parentPort.postMessage({ type: 'ready' })
