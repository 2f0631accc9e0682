// Where each client's structs sit in a Yjs v1 update: one walk over the bytes (UpdateWalker, no
// Yjs objects), then the update's state vector and the diff for any state vector come from the
// index and byte copies. `Y.encodeStateVectorFromUpdate` and `Y.diffUpdate` read every struct of
// the update into objects each time, ≈0.3 s and more for the 16 MiB of a 10,000-customer book: the
// relay's cost per client that joins a big dormant book (server/src/relay/encoded-state.ts).
//
// A diff holds, per client, its structs from the first one that ends past the client's clock in
// the state vector, copied as they are: that first struct may begin before the clock, where
// `Y.diffUpdate` would slice it; Yjs applies the part it has as a no-op, as with any update that
// overlaps what a document holds. The delete set is copied whole, as `Y.diffUpdate` copies it.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { UpdateWalker } from './update-walker'

const BITS5 = 0b11111
const BIT6 = 0b100000
const BIT7 = 0b1000000
const BIT8 = 0b10000000
const SKIP = 10

/** Every this many structs of a client the index keeps where one begins. */
const CHECKPOINT_EVERY = 32

/** One client's run of structs in the update. */
export interface IndexSection {
  readonly client: number
  /** Structs in the section. */
  readonly count: number
  /** Where the section's structs end (the next section, or the delete set, begins). */
  readonly end: number
  /** The clock after its last struct. */
  readonly endClock: number
  /** Where each CHECKPOINT_EVERY-th struct begins: its clock, its byte offset (pairs). */
  readonly checkpoints: readonly number[]
  /** The state vector's entry: the clock after the run from 0 up to the first skip; 0 if it does not start at 0. */
  readonly knownThrough: number
}

/**
 * An index as plain data (structured-cloneable): a worker that walked the update hands it to the
 * thread that serves it, which rebuilds the index without walking the bytes again.
 */
export interface UpdateIndexParts {
  readonly sections: readonly IndexSection[]
  readonly deleteSetStart: number
  readonly deleteSetEnd: number
}

export class UpdateIndex {
  private constructor(
    readonly update: Uint8Array,
    private readonly sections: readonly IndexSection[],
    /** Where the delete set begins and ends. */
    private readonly deleteSetStart: number,
    private readonly deleteSetEnd: number,
  ) {}

  /** Walks `update` once. Throws UpdateFormatError where Yjs could not read it. */
  static of(update: Uint8Array): UpdateIndex {
    const w = new UpdateWalker(update)
    const sections: IndexSection[] = []
    const seen = new Set<number>()
    const clients = w.varUint()
    for (let c = 0; c < clients; c++) {
      const count = w.varUint()
      const client = w.varUint()
      // Yjs reads only one of a client's runs written twice; no encoder writes that (callers fall back to Yjs).
      if (seen.has(client)) w.fail(`client ${client} written twice`)
      seen.add(client)
      let clock = w.varUint()
      const checkpoints: number[] = []
      // Counted from clock 0 up to the first skip, as Yjs counts it.
      let counting = clock === 0
      let knownThrough = 0
      for (let s = 0; s < count; s++) {
        if (s % CHECKPOINT_EVERY === 0) checkpoints.push(clock, w.pos)
        if (w.bytes[w.pos] === SKIP) counting = false
        clock += structLength(w)
        if (counting) knownThrough = clock
      }
      sections.push({ client, count, end: w.pos, endClock: clock, checkpoints, knownThrough })
    }
    const deleteSetStart = w.pos
    skipDeleteSet(w)
    return new UpdateIndex(update, sections, deleteSetStart, w.pos)
  }

  /**
   * The index `parts()` gave, over the same bytes (`update` must be the update it was walked from,
   * or a copy; nothing checks that beyond its length, which must be where the walk ended).
   */
  static fromParts(update: Uint8Array, parts: UpdateIndexParts): UpdateIndex {
    if (parts.deleteSetEnd !== update.length) throw new RangeError(`index parts of an update of ${parts.deleteSetEnd} bytes, given one of ${update.length}`)
    return new UpdateIndex(update, parts.sections, parts.deleteSetStart, parts.deleteSetEnd)
  }

  /** This index as plain data, for `fromParts` on another thread. */
  parts(): UpdateIndexParts {
    return { sections: this.sections, deleteSetStart: this.deleteSetStart, deleteSetEnd: this.deleteSetEnd }
  }

  /** The update's state vector, as `Y.encodeStateVectorFromUpdate` writes it. */
  stateVector(): Uint8Array {
    const e = encoding.createEncoder()
    const known = this.sections.filter((s) => s.knownThrough > 0)
    encoding.writeVarUint(e, known.length)
    for (const s of known) {
      encoding.writeVarUint(e, s.client)
      encoding.writeVarUint(e, s.knownThrough)
    }
    return encoding.toUint8Array(e)
  }

  /** An update with everything a document at `stateVector` lacks (see the top of this file). */
  diff(stateVector: Uint8Array): Uint8Array {
    const known = readStateVector(stateVector)
    const parts: { client: number; count: number; clock: number; start: number; end: number }[] = []
    for (const s of this.sections) {
      const from = this.firstLacking(s, known.get(s.client) ?? 0)
      if (from) parts.push({ client: s.client, ...from, end: s.end })
    }
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, parts.length)
    for (const p of parts) {
      encoding.writeVarUint(e, p.count)
      encoding.writeVarUint(e, p.client)
      encoding.writeVarUint(e, p.clock)
      encoding.writeUint8Array(e, this.update.subarray(p.start, p.end))
    }
    encoding.writeUint8Array(e, this.update.subarray(this.deleteSetStart, this.deleteSetEnd))
    return encoding.toUint8Array(e)
  }

  /** The first struct of `s` that ends past `clock` and is not a skip: its clock, offset and how many follow from it. */
  private firstLacking(s: IndexSection, clock: number): { count: number; clock: number; start: number } | null {
    if (clock >= s.endClock) return null
    const cp = s.checkpoints
    // The last checkpoint at or before `clock` (a binary search over the pairs).
    let lo = 0
    let hi = cp.length / 2 - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (cp[mid * 2]! <= clock) lo = mid
      else hi = mid - 1
    }
    const w = new UpdateWalker(this.update)
    w.pos = cp[lo * 2 + 1]!
    let at = cp[lo * 2]!
    for (let n = lo * CHECKPOINT_EVERY; n < s.count; n++) {
      const start = w.pos
      const skip = w.bytes[start] === SKIP
      const next = at + structLength(w)
      if (next > clock && !skip) return { count: s.count - n, clock: at, start }
      at = next
    }
    return null
  }
}

/** Reads past one struct; returns its length (what its id range spans). */
function structLength(w: UpdateWalker): number {
  const info = w.uint8()
  const ref = info & BITS5
  if (ref === 0 || ref === SKIP) return w.varUint() // a GC or skip: a length
  if (info & BIT8) w.id()
  if (info & BIT7) w.id()
  if ((info & (BIT7 | BIT8)) === 0) {
    if (w.varUint() === 1) w.varText()
    else w.id()
    if (info & BIT6) w.varText()
  }
  return w.content(ref)
}

function skipDeleteSet(w: UpdateWalker): void {
  const clients = w.varUint()
  for (let c = 0; c < clients; c++) {
    w.varUint()
    const ranges = w.varUint()
    for (let r = 0; r < ranges; r++) {
      w.varUint()
      w.varUint()
    }
  }
}

const readStateVector = (stateVector: Uint8Array): Map<number, number> => {
  const d = decoding.createDecoder(stateVector)
  const known = new Map<number, number>()
  const n = decoding.readVarUint(d)
  for (let i = 0; i < n; i++) {
    const client = decoding.readVarUint(d)
    known.set(client, decoding.readVarUint(d))
  }
  return known
}
