// A hash table from a pair of small non-negative integers to a number, in one typed array (open
// addressing, linear probing, key and value side by side so a look-up touches one cache line):
// the StructIndex keeps one entry per key of every map type, a few hundred thousand for a large
// book, where a Map with composite number keys costs both time (hashing heap numbers) and memory.

const EMPTY = -1
const B_SLOTS = 2 ** 26

export class PairTable {
  /** Per slot: the pair packed as a · 2^26 + b (EMPTY if none), then its value. */
  private cells = new Float64Array(2 * 1024).fill(EMPTY)
  size = 0

  /** The value stored for (a, b), or undefined. */
  get(a: number, b: number): number | undefined {
    const s = this.slot(a, b)
    return this.cells[s] === EMPTY ? undefined : this.cells[s + 1]
  }

  set(a: number, b: number, value: number): void {
    const s = this.slot(a, b)
    if (this.cells[s] === EMPTY) {
      this.cells[s] = pack(a, b)
      this.size++
    }
    this.cells[s + 1] = value
    if (this.size * 4 > this.cells.length) this.grow()
  }

  /** The cell index of (a, b)'s slot, or of the empty slot where it would go. */
  private slot(a: number, b: number): number {
    const key = pack(a, b)
    const mask = (this.cells.length >> 1) - 1
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)
    h ^= h >>> 15
    let s = h & mask
    for (;;) {
      const k = this.cells[s * 2]
      if (k === EMPTY || k === key) return s * 2
      s = (s + 1) & mask
    }
  }

  private grow(): void {
    const old = this.cells
    this.cells = new Float64Array(old.length * 2).fill(EMPTY)
    this.size = 0
    for (let s = 0; s < old.length; s += 2) {
      const k = old[s]!
      if (k !== EMPTY) this.set(Math.floor(k / B_SLOTS), k % B_SLOTS, old[s + 1]!)
    }
  }
}

const pack = (a: number, b: number): number => {
  if (b >= B_SLOTS || a >= 2 ** 26) throw new RangeError('PairTable holds pairs below 2^26')
  return a * B_SLOTS + b
}
