// The persistence contract of the relay: an append-only update log per book plus an optional
// snapshot. Implementations: memory (tests), SQLite (embedded default), PostgreSQL (scale-out).

/** One accepted update as it sits in the log. `seq` is per book, starting at 1, without gaps. */
export interface StoredUpdate {
  readonly bookId: string
  readonly seq: number
  /** Yjs update, v1 encoding, exactly as the client sent it (validated before it was appended). */
  readonly update: Uint8Array
  /** Who sent it (the token's subject), for field history and audit. */
  readonly userId: string
  /** Server time at append, milliseconds since the epoch. */
  readonly at: number
}

export interface AppendEntry {
  readonly update: Uint8Array
  readonly userId: string
}

/** What a relay needs to rebuild a book: the newest snapshot and the log entries after it. */
export interface LoadedBook {
  /** `Y.encodeStateAsUpdate` of the document at `snapshotSeq`, or null if never compacted. */
  readonly snapshot: Uint8Array | null
  /** The bytes `compact` was given as `index` with that snapshot, or null (none given, or no snapshot). */
  readonly snapshotIndex: Uint8Array | null
  /** Sequence number the snapshot includes (0 when there is none). */
  readonly snapshotSeq: number
  /** Log entries with seq > snapshotSeq, in seq order. */
  readonly updates: readonly StoredUpdate[]
  /** Highest seq ever appended to this book (0 for an empty book). */
  readonly headSeq: number
}

export interface DocStore {
  /**
   * Appends entries to the book's log, in order, and resolves once they are durable (fsynced /
   * committed): only then may the relay acknowledge them. Entries appended by concurrent calls may
   * be committed together (group commit); each call still gets its own seqs, in call order.
   */
  append(bookId: string, entries: readonly AppendEntry[]): Promise<StoredUpdate[]>
  /** Snapshot plus the log after it. An unknown book loads as empty. */
  load(bookId: string): Promise<LoadedBook>
  /** Log entries with seq > afterSeq (for catching up after missed messages, and history). */
  readSince(bookId: string, afterSeq: number, limit?: number): Promise<StoredUpdate[]>
  /**
   * Stores `snapshot` as the state of the book up to and including `upToSeq` (encoded from the
   * loaded document, never by merging raw client updates). Later loads start from it. A snapshot
   * older than the stored one is ignored. Folded log entries stay readable through `readSince`
   * until `pruneLog` removes them (field history is built on the log). `index`: bytes kept beside
   * the snapshot and loaded with it (the relay's: where each client's structs sit in it, so that a
   * book loaded from the store is not walked again); opaque to the store, replaced with the snapshot.
   */
  compact(bookId: string, snapshot: Uint8Array, upToSeq: number, index?: Uint8Array): Promise<void>
  /**
   * Deletes the oldest log entries, in seq order, while they are folded into the snapshot and were
   * appended before `before` (ms); at most `limit` (default PRUNE_LIMIT) per call. Returns how many.
   * It stops at the first entry to keep, so its cost follows what it deletes, not the history kept
   * (an entry stamped earlier than one before it, after a clock step back, waits for that one).
   */
  pruneLog(bookId: string, before: number, limit?: number): Promise<number>
  /** The log after the snapshot, entries and bytes: what the compactor weighs against the snapshot. */
  logSize(bookId: string): Promise<LogSize>
  /** Flushes pending appends and closes. Further calls reject with StoreError 'closed'. */
  close(): Promise<void>
}

/** The log entries that follow a book's snapshot, and the bytes of their updates. */
export interface LogSize {
  readonly entries: number
  readonly bytes: number
}

/** Most log entries one `pruneLog` call deletes: one call is one short transaction. */
export const PRUNE_LIMIT = 10_000
