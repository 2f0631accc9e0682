// When a room folds its log into a snapshot. Encoding and storing a snapshot costs in proportion
// to the whole book, so compacting after a fixed number of entries makes a big book pay its whole
// size again for every few small edits: the 10,000-customer bench book is ≈16 MiB, ≈250 ms to
// encode, and at 1,000 keystrokes per compaction that was ≈250 µs of CPU and 16 KiB written per
// keystroke. So a compaction also waits until the log holds a share of the snapshot's bytes,
// which bounds the work per byte accepted. A cap on entries bounds what a load replays.

import type { LogSize } from '../store/doc-store'

export interface CompactionPolicy {
  /** No compaction before this many entries follow the snapshot (COMPACT_THRESHOLD). */
  readonly minEntries: number
  /** ...and the log's bytes reach this share of the snapshot's... */
  readonly logShare: number
  /** ...unless this many entries follow it. */
  readonly maxEntries: number
}

/** What follows the last snapshot, and the snapshot's size. */
export interface LogAndSnapshot extends LogSize {
  readonly snapshotBytes: number
}

/**
 * The log may grow to a tenth of the snapshot, and normally to at most 50× the minimum entries: a
 * compaction waits until appends are idle and is retried on the next append after a failure, so
 * under a steady stream of writes (or a failing store) a load may replay more.
 */
export const compactionPolicy = (minEntries: number, logShare = 0.1, maxEntriesFactor = 50): CompactionPolicy => ({
  minEntries,
  logShare,
  maxEntries: minEntries * maxEntriesFactor,
})

export function compactionDue(p: CompactionPolicy, log: LogAndSnapshot): boolean {
  if (log.entries < p.minEntries) return false
  return log.entries >= p.maxEntries || log.bytes >= log.snapshotBytes * p.logShare
}
