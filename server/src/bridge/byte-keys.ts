// Interns strings given as UTF-8 byte ranges (map keys and root names read straight out of
// updates) as small numbers, without decoding them: a hash table over the bytes, the bytes kept
// once in an arena, the string decoded only when asked for by number. Every map key of every new
// customer goes through here, so a string and a Map look-up per key would dominate.

const EMPTY = 0
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true })

export class ByteKeys {
  private slots = new Int32Array(1024) // key number + 1, or EMPTY
  private hashes = new Int32Array(256)
  private starts = new Int32Array(256)
  private ends = new Int32Array(256)
  private arena = new Uint8Array(4096)
  private used = 0
  private readonly names: Array<string | undefined> = []
  count = 0

  /** The number of the key spelled by bytes[start, end). */
  id(bytes: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5 | 0
    for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193)
    const mask = this.slots.length - 1
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const k = this.slots[s]! - 1
      if (k < 0) return this.add(s, h, bytes, start, end)
      if (this.hashes[k] === h && this.same(k, bytes, start, end)) return k
    }
  }

  name(k: number): string {
    let n = this.names[k]
    if (n === undefined) n = this.names[k] = utf8.decode(this.arena.subarray(this.starts[k], this.ends[k]))
    return n
  }

  private same(k: number, bytes: Uint8Array, start: number, end: number): boolean {
    const from = this.starts[k]!
    if (this.ends[k]! - from !== end - start) return false
    for (let i = 0; i < end - start; i++) if (this.arena[from + i] !== bytes[start + i]) return false
    return true
  }

  private add(slot: number, h: number, bytes: Uint8Array, start: number, end: number): number {
    const k = this.count++
    if (k === this.hashes.length) {
      this.hashes = grown(this.hashes)
      this.starts = grown(this.starts)
      this.ends = grown(this.ends)
    }
    while (this.used + (end - start) > this.arena.length) {
      const arena = new Uint8Array(this.arena.length * 2)
      arena.set(this.arena)
      this.arena = arena
    }
    this.arena.set(bytes.subarray(start, end), this.used)
    this.hashes[k] = h
    this.starts[k] = this.used
    this.ends[k] = this.used += end - start
    this.slots[slot] = k + 1
    if (this.count * 2 > this.slots.length) this.rehash()
    return k
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2)
    const mask = slots.length - 1
    for (let k = 0; k < this.count; k++) {
      let s = this.hashes[k]! & mask
      while (slots[s] !== EMPTY) s = (s + 1) & mask
      slots[s] = k + 1
    }
    this.slots = slots
  }
}

const grown = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
  const b = new Int32Array(a.length * 2)
  b.set(a)
  return b
}
