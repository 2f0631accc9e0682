// The structs of one Yjs client in a StructIndex, without content: contiguous ranges from clock 0
// up to `state`, each with the type it belongs to, its map key, its origin (map items only: what
// decides which of a key's items wins) and the type it creates (a nested type's item). Typed
// columns, so a 10,000-customer book costs a few MB rather than a decoded Y.Doc's ≈300 MB.
import { IdRanges } from './id-ranges'

/** No type (a garbage-collected range), no key (a sequence item), no origin, no child type. */
export const NONE = -1

export class ClientStructs {
  /** Ranges tile [0, state): range i is [start(i), start(i + 1)) and the last ends at state. */
  n = 0
  state = 0
  readonly deleted = new IdRanges()
  private starts = new Float64Array(8)
  private originClocks = new Float64Array(8)
  /** Per range: type, key, origin's client index, child type. */
  private ints = new Int32Array(32)

  constructor(readonly client: number, readonly index: number) {}

  start(i: number): number {
    return this.starts[i]!
  }
  end(i: number): number {
    return i + 1 < this.n ? this.starts[i + 1]! : this.state
  }
  type(i: number): number {
    return this.ints[i * 4]!
  }
  key(i: number): number {
    return this.ints[i * 4 + 1]!
  }
  originClient(i: number): number {
    return this.ints[i * 4 + 2]!
  }
  originClock(i: number): number {
    return this.originClocks[i]!
  }
  childType(i: number): number {
    return this.ints[i * 4 + 3]!
  }

  /** The range holding `clock` (which must be below `state`). */
  find(clock: number): number {
    let lo = 0
    let hi = this.n - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (this.starts[mid]! <= clock) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  /**
   * Appends [start, start + length), which must begin at `state`. A sequence item continuing the
   * range before it in the same type (typing, one character a struct) widens that range instead.
   */
  push(start: number, length: number, type: number, key: number, originClient: number, originClock: number, childType: number): void {
    const last = this.n - 1
    const mergeable = key === NONE && childType === NONE
    if (mergeable && last >= 0 && this.type(last) === type && this.key(last) === NONE && this.childType(last) === NONE) {
      this.state = start + length
      return
    }
    if (this.n === this.starts.length) this.grow()
    const i = this.n++
    this.starts[i] = start
    this.originClocks[i] = originClock
    this.ints[i * 4] = type
    this.ints[i * 4 + 1] = key
    this.ints[i * 4 + 2] = originClient
    this.ints[i * 4 + 3] = childType
    this.state = start + length
  }

  private grow(): void {
    const size = this.starts.length * 2
    const starts = new Float64Array(size)
    starts.set(this.starts)
    const originClocks = new Float64Array(size)
    originClocks.set(this.originClocks)
    const ints = new Int32Array(size * 4)
    ints.set(this.ints)
    this.starts = starts
    this.originClocks = originClocks
    this.ints = ints
  }
}
