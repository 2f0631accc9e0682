// Durability for the DocStore's appends without blocking the event loop on fsync.
//
// SQLite's `synchronous = FULL` in WAL mode differs from NORMAL by exactly one thing: an fsync of
// the WAL file after each commit (https://sqlite.org/pragma.html#pragma_synchronous; the WAL
// header after a restart and every checkpoint are synced in both modes). That fsync runs inside
// the commit, on the event loop: under load the relay spent a sixth of its time waiting on it.
// Appends therefore commit with NORMAL and this does the same fsync of the WAL on libuv's thread
// pool; the appends are acknowledged only after it. A sync covers what was committed before it
// started, so callers that arrive while one is running share the next one (group fsync).
import { close, fsync, open } from 'node:fs'
import { promisify } from 'node:util'
import type { SqliteDatabase } from './sqlite-database'
import { startWalCheckpointer, type WalCheckpointerOptions } from './sqlite-wal-checkpointer'
import { StoreError } from './store-error'

const openAsync = promisify(open)
const fsyncAsync = promisify(fsync)
const closeAsync = promisify(close)

export interface WalSync {
  /** Resolves once everything committed before this call is on disk. */
  sync(): Promise<void>
  /** Waits for a sync in flight and releases the file. */
  close(): Promise<void>
}

export interface WalSyncOptions {
  /** The fsync itself (tests observe it); default fs.fsync on the thread pool. */
  readonly fsync?: (fd: number) => Promise<void>
}

/** A WalSync for `db`, or null for a database without a WAL file (in memory or temporary). */
export function createWalSync(db: SqliteDatabase, opts: WalSyncOptions = {}): WalSync | null {
  if (db.memory || db.name === '') return null
  const walPath = `${db.name}-wal`
  const syncFd = opts.fsync ?? fsyncAsync
  // Opened on first use: SQLite creates the WAL with the first write. The file stays the same
  // inode while this connection is open (SQLite removes it only when the last connection closes,
  // and a checkpoint restarts or truncates it in place), so one descriptor serves throughout.
  let fd: Promise<number> | null = null
  let running: Promise<void> | null = null
  let next: Promise<void> | null = null

  const descriptor = (): Promise<number> =>
    (fd ??= openAsync(walPath, 'r').catch((cause: unknown) => {
      fd = null // a failed open is tried again by the next sync
      throw cause
    }))

  const once = async (): Promise<void> => {
    try {
      await syncFd(await descriptor())
    } catch (cause) {
      throw new StoreError('io', `fsync of ${walPath} failed`, { cause })
    }
  }

  const sync = (): Promise<void> => {
    if (!running) {
      running = once().finally(() => (running = null))
      return running
    }
    // The sync in flight may have started before the caller's commit: wait for the one after it.
    next ??= running.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      next = null
      return sync()
    })
    return next
  }

  return {
    sync,
    async close() {
      await Promise.allSettled([running, next])
      const opened = fd
      fd = null
      if (opened) await closeAsync(await opened)
    },
  }
}

/** Runs a synchronous SQLite write and resolves once it is on disk. */
export type DurableWrite = <T>(write: () => T) => Promise<T>

export interface DurableWriteOptions extends WalSyncOptions {
  /** Checkpoints on a worker thread (sqlite-wal-checkpointer.ts); false leaves them to SQLite. */
  readonly checkpoints?: WalCheckpointerOptions | false
}

/**
 * Durable writes on `db` with the fsync off the event loop: `write` commits with SQLite's own
 * commit fsync off (NORMAL), then the WAL is fsynced on the thread pool; together what FULL does.
 * Only where that is all FULL adds: a WAL database at FULL or EXTRA; otherwise (in memory, or a
 * connection the opener set to NORMAL/OFF) `write` runs as the connection is set up. The WAL's
 * checkpoints move off the event loop too, unless `checkpoints` is false.
 */
export function createDurableWrite(
  db: SqliteDatabase,
  opts: DurableWriteOptions = {},
): { write: DurableWrite; writeAhead: <T>(write: () => T) => T; walRoomFor: (bytes: number) => () => void; close(): Promise<void> } {
  const synchronous = Number(db.pragma('synchronous', { simple: true }))
  const wal = String(db.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal'
  const walSync = wal && synchronous >= 2 ? createWalSync(db, opts) : null
  const checkpointer = walSync && opts.checkpoints !== false ? startWalCheckpointer(db, opts.checkpoints || {}) : null
  const unsynced = <T>(write: () => T): T => {
    if (!walSync) return write()
    // Not prepared statements: SQLite applies this pragma when it compiles the statement.
    db.pragma('synchronous = NORMAL')
    let result: T
    try {
      result = write()
    } finally {
      db.pragma(`synchronous = ${synchronous}`)
    }
    checkpointer?.afterWrite()
    return result
  }
  return {
    async write<T>(write: () => T): Promise<T> {
      const result = unsynced(write)
      await walSync?.sync()
      return result
    },
    /**
     * A write that need not be on disk by itself, only before a later `write` is: the WAL is one
     * file, appended and synced in order, so that write's fsync covers this one, and a crash
     * before it loses both (the WAL replays no further than its last synced commit).
     */
    writeAhead: unsynced,
    /**
     * Lets the WAL take about `bytes` more before the connection checkpoints by itself (see
     * WalCheckpointer.roomFor), until the returned function is called; without a checkpoint worker
     * the connection checkpoints as it always does.
     */
    walRoomFor(bytes: number): () => void {
      if (!checkpointer) return () => {}
      const pageSize = Number(db.pragma('page_size', { simple: true }))
      // Overflow pages hold a little less than a page each; the b-tree pages above them come on top.
      return checkpointer.roomFor(Math.ceil((bytes / pageSize) * 1.1) + 16)
    },
    async close() {
      await Promise.all([walSync?.close(), checkpointer?.close()])
    },
  }
}
