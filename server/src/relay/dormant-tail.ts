// Updates a dormant book took without being decoded: what clients sent to a big book while it was
// held encoded, in the order they came. Waking such a book for one edit would decode all of it on
// the event loop (0.6–1.1 s for 10,000 customers) and stop every other book of the process; a
// book whose edits are few keeps them here instead, next to its encoded state, until a worker
// folds them in (room.ts) or something on the server needs the Y.Doc.
//
// Every entry is already checked (checkUpdateV1) and on its way to the store like any accepted
// update: the tail only decides what a syncing client is sent and what the book's state vector
// says, both from the bytes. An awake book also applies an update before storing it, and drops
// itself (the update never stored) if Yjs throws part-way; a dormant one relies on checkUpdateV1
// alone, which refuses every kind of update known to do that (check-update.test.ts: of thousands
// of corruptions, what passes applies whole). One it did not know would be stored; the worker's
// fold and the next wake then keep what Yjs integrated of it, apply the rest and count it
// (crm_relay_unappliable_updates_total), as a room applying stored entries does.
import * as Y from 'yjs'
import { encodeUpdate, readUpdateStructs, STRUCT_KIND } from '@crm-sync/protocol'

interface TailEntry {
  readonly update: Uint8Array
  /** Per client, the clock runs [from, to) this update holds without a gap: flat triples. */
  readonly ranges: readonly number[]
}

export class DormantTail {
  private entries: TailEntry[] = []
  private size = 0

  get length(): number {
    return this.entries.length
  }

  get bytes(): number {
    return this.size
  }

  add(update: Uint8Array): void {
    this.entries.push({ update, ranges: contiguousRanges(update) })
    this.size += update.length
  }

  /** The updates, oldest first. */
  updates(): Uint8Array[] {
    return this.entries.map((e) => e.update)
  }

  /** Each update as a sync update frame, oldest first: what a syncing client gets after step 2. */
  frames(): Uint8Array[] {
    return this.entries.map((e) => encodeUpdate(e.update))
  }

  /** Forgets the oldest `count` updates (folded into the encoded state). */
  dropOldest(count: number): void {
    for (const e of this.entries.slice(0, count)) this.size -= e.update.length
    this.entries = this.entries.slice(count)
  }

  clear(): void {
    this.entries = []
    this.size = 0
  }

  /**
   * The state vector of `base` (an encoded state vector) with these updates on top: a client's
   * run counts once it starts at or below what is known of that client, as Yjs integrates it.
   * Updates waiting for an earlier one of their client do not count until it comes; a range that
   * waits only for another client's struct counts (the bytes are here and reach every client
   * that syncs), so the book's peers are not asked again for what it holds.
   */
  stateVector(base: Uint8Array): Uint8Array {
    const known = Y.decodeStateVector(base)
    const open = new Set(this.entries)
    for (let moved = true; moved; ) {
      moved = false
      for (const entry of open) {
        let done = true
        const r = entry.ranges
        for (let i = 0; i < r.length; i += 3) {
          const client = r[i]!
          const at = known.get(client) ?? 0
          if (r[i + 1]! > at) done = false
          else if (r[i + 2]! > at) {
            known.set(client, r[i + 2]!)
            moved = true
          }
        }
        if (done) open.delete(entry)
      }
    }
    return Y.encodeStateVector(known)
  }
}

/**
 * Per client of `update`, the runs of clocks it holds without a gap: flat (client, from, to)
 * triples, split at gaps and at skips (a merged update's placeholder for structs it does not
 * hold). No client writes gaps, skips or a client twice; a client written twice claims nothing.
 */
const contiguousRanges = (update: Uint8Array): number[] => {
  const structs = readUpdateStructs(update)
  const ranges: number[] = []
  const c = structs.clients
  const seen = new Set<number>()
  const twice = new Set<number>()
  for (let i = 0; i < c.length; i += 3) (seen.has(c[i]!) ? twice : seen).add(c[i]!)
  for (let i = 0; i < c.length; i += 3) {
    const [client, first, end] = [c[i]!, c[i + 1]!, c[i + 2]!]
    // Yjs reads only one of a client's runs written twice in one update.
    if (twice.has(client)) continue
    let from = -1
    let to = -1
    for (let r = first; r < end; r++) {
      const skip = structs.kind(r) === STRUCT_KIND.skip
      if (from >= 0 && (skip || structs.clock(r) !== to)) {
        ranges.push(client, from, to)
        from = -1
      }
      if (skip) continue
      if (from < 0) from = to = structs.clock(r)
      to += structs.length(r)
    }
    if (from >= 0) ranges.push(client, from, to)
  }
  return ranges
}
