// A number per (type, key) pair, kept per type: each type's entries side by side in one arena
// (a scan of a few cells, and the keys of a customer made in one update sit together), types
// with many keys in a hash table instead. A book has ~10 keys per map type and a few huge maps
// (`customers` itself); a hash table of every pair scatters a new customer's keys over many MB.
import { PairTable } from './pair-table'

/** Entries a type keeps in the arena before it moves to the hash table. */
const SLAB_MAX = 32
const FIRST_SLAB = 8
/** A type's slab size marking "in the hash table". */
const BIG = -1

export class KeySlabs {
  /** Pairs of cells: key, value. */
  private arena = new Float64Array(2 * 4096)
  private used = 0
  /** Per type: offset of its slab in the arena (in entries), entries used, slab size (BIG, or 0 for none). */
  private offsets = new Int32Array(1024)
  private counts = new Int32Array(1024)
  private sizes = new Int32Array(1024)
  private readonly big = new PairTable()

  /** The value for (type, key), or -1 if there is none. */
  get(type: number, key: number): number {
    if (type >= this.sizes.length) return -1
    const size = this.sizes[type]!
    if (size === BIG) return this.big.get(type, key) ?? -1
    const from = this.offsets[type]! * 2
    const to = from + this.counts[type]! * 2
    for (let c = from; c < to; c += 2) if (this.arena[c] === key) return this.arena[c + 1]!
    return -1
  }

  set(type: number, key: number, value: number): void {
    while (type >= this.sizes.length) this.growTypes()
    const size = this.sizes[type]!
    if (size === BIG) return this.big.set(type, key, value)
    const from = this.offsets[type]! * 2
    const count = this.counts[type]!
    for (let c = from; c < from + count * 2; c += 2) {
      if (this.arena[c] === key) {
        this.arena[c + 1] = value
        return
      }
    }
    if (count === size) {
      if (size * 2 > SLAB_MAX) {
        for (let c = from; c < from + count * 2; c += 2) this.big.set(type, this.arena[c]!, this.arena[c + 1]!)
        this.sizes[type] = BIG
        return this.big.set(type, key, value)
      }
      this.relocate(type, Math.max(FIRST_SLAB, size * 2))
    }
    const at = (this.offsets[type]! + this.counts[type]!) * 2
    this.arena[at] = key
    this.arena[at + 1] = value
    this.counts[type]!++
  }

  /** Moves a type's slab to the end of the arena with room for `size` entries (the old one is left). */
  private relocate(type: number, size: number): void {
    while ((this.used + size) * 2 > this.arena.length) {
      const arena = new Float64Array(this.arena.length * 2)
      arena.set(this.arena)
      this.arena = arena
    }
    const count = this.counts[type]!
    const from = this.offsets[type]! * 2
    this.arena.copyWithin(this.used * 2, from, from + count * 2)
    this.offsets[type] = this.used
    this.sizes[type] = size
    this.used += size
  }

  private growTypes(): void {
    const grow = (a: Int32Array<ArrayBuffer>) => {
      const b = new Int32Array(a.length * 2)
      b.set(a)
      return b
    }
    this.offsets = grow(this.offsets)
    this.counts = grow(this.counts)
    this.sizes = grow(this.sizes)
  }
}
