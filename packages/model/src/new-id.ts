// Record ids made on the device that creates the record: UUIDv7 (RFC 9562), so ids sort by
// creation time, which keeps contact/deal lists and customer lists in a stable, natural order.

export type IdGenerator = () => string

const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/**
 * A UUIDv7 generator with the RFC 9562 §6.2 method 1 counter: ids made in the same millisecond
 * (or while the clock steps back) stay strictly increasing, so creation order survives a sort.
 * `now` and `random` are injectable for tests.
 */
export function createIdGenerator(opts: {
  now?: () => number
  random?: (bytes: Uint8Array) => void
} = {}): IdGenerator {
  const now = opts.now ?? Date.now
  const random = opts.random ?? ((b: Uint8Array) => void globalThis.crypto.getRandomValues(b))
  let lastMs = -1
  let counter = 0 // 12 bits of rand_a, used as a counter within one millisecond

  return () => {
    const bytes = new Uint8Array(16)
    random(bytes)
    let ms = now()
    if (ms > lastMs) {
      lastMs = ms
      counter = ((bytes[6]! & 0x0f) << 8) | bytes[7]!
      counter &= 0x7ff // start in the lower half so the counter has room to grow
    } else {
      ms = lastMs
      counter++
      if (counter > 0xfff) {
        // Counter exhausted: borrow the next millisecond, as RFC 9562 allows.
        lastMs = ms = lastMs + 1
        counter = 0
      }
    }
    bytes[0] = Math.floor(ms / 2 ** 40) & 0xff
    bytes[1] = Math.floor(ms / 2 ** 32) & 0xff
    bytes[2] = (ms >>> 24) & 0xff
    bytes[3] = (ms >>> 16) & 0xff
    bytes[4] = (ms >>> 8) & 0xff
    bytes[5] = ms & 0xff
    bytes[6] = 0x70 | (counter >>> 8)
    bytes[7] = counter & 0xff
    bytes[8] = 0x80 | (bytes[8]! & 0x3f)
    let s = ''
    for (let i = 0; i < 16; i++) {
      s += hex[bytes[i]!]
      if (i === 3 || i === 5 || i === 7 || i === 9) s += '-'
    }
    return s
  }
}

const defaultGenerator = createIdGenerator()

/** A new UUIDv7: time-ordered, random from crypto.getRandomValues (browser and Node). */
export function newId(): string {
  return defaultGenerator()
}

export const UUID_V7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
