// Checks that a Yjs v1 update decodes, by walking its bytes the way Yjs reads them without
// building anything: no Item, ID, content or delete-set objects. `Y.decodeUpdate` builds all of
// them only to throw them away (≈0.5 µs a struct; a new customer is ≈50 structs), and the relay
// checks every update it receives before storing or broadcasting it.
//
// It fails wherever Yjs' readers fail (both the lazy reader of `Y.decodeUpdate` and the one
// `Y.applyUpdate` uses), and also on a read past the end of `update` that lib0 would let run on
// into the bytes after it in the same buffer. Format: yjs/src/utils/encoding.js (v1 encoders),
// yjs/src/structs/Content*.js, lib0/decoding.js `readAny`; checked against `Y.decodeUpdate` on
// generated documents and on every truncation and many corruptions of them (check-update.test.ts).

const BITS5 = 0b11111
const BIT6 = 0b100000
const BIT7 = 0b1000000
const BIT8 = 0b10000000

/** Thrown for an update Yjs could not read; the message says where. */
export class UpdateFormatError extends Error {
  override readonly name = 'UpdateFormatError'
}

class Walker {
  pos = 0
  constructor(private readonly bytes: Uint8Array) {}

  fail(what: string): never {
    throw new UpdateFormatError(`${what} at byte ${this.pos}`)
  }

  uint8(): number {
    if (this.pos >= this.bytes.length) this.fail('unexpected end')
    return this.bytes[this.pos++]!
  }

  /** lib0 readVarUint: 7 bits a byte, little end first, at most a safe integer. */
  varUint(): number {
    let num = 0
    let mult = 1
    const bytes = this.bytes
    while (this.pos < bytes.length) {
      const r = bytes[this.pos++]!
      num += (r & 0x7f) * mult
      mult *= 128
      if (r < 0x80) return num
      if (num > Number.MAX_SAFE_INTEGER) this.fail('integer out of range')
    }
    return this.fail('unexpected end')
  }

  /** lib0 readVarInt: a sign bit in the first byte, then as varUint. */
  varInt(): void {
    let r = this.uint8()
    let num = r & 0x3f
    let mult = 64
    while (r >= 0x80) {
      r = this.uint8()
      num += (r & 0x7f) * mult
      mult *= 128
      if (num > Number.MAX_SAFE_INTEGER) this.fail('integer out of range')
    }
  }

  skip(n: number): void {
    if (n > this.bytes.length - this.pos) this.fail('unexpected end')
    this.pos += n
  }

  /** A length-prefixed byte array. */
  varBytes(): void {
    this.skip(this.varUint())
  }

  /** A length-prefixed string: lib0 decodes UTF-8 strictly (`fatal`), so invalid UTF-8 fails. */
  varText(): void {
    const n = this.varUint()
    const start = this.pos
    this.skip(n)
    if (!isUtf8(this.bytes, start, start + n)) this.fail('string is not UTF-8')
  }

  /** A length-prefixed string, decoded where Yjs parses it further. */
  varString(): string {
    const n = this.varUint()
    const start = this.pos
    this.skip(n)
    try {
      return utf8.decode(this.bytes.subarray(start, start + n))
    } catch {
      return this.fail('string is not UTF-8')
    }
  }

  json(): void {
    const text = this.varString()
    try {
      JSON.parse(text)
    } catch {
      this.fail('JSON content does not parse')
    }
  }

  /** lib0 readAny. */
  any(depth = 0): void {
    if (depth > MAX_ANY_DEPTH) this.fail('value nested too deep')
    switch (this.uint8()) {
      case 127: // undefined
      case 126: // null
      case 121: // false
      case 120: // true
        return
      case 125:
        return this.varInt()
      case 124:
        return this.skip(4)
      case 123:
      case 122:
        return this.skip(8)
      case 119:
        return this.varText()
      case 116:
        return this.varBytes()
      case 118: {
        const n = this.varUint()
        for (let i = 0; i < n; i++) {
          this.varText()
          this.any(depth + 1)
        }
        return
      }
      case 117: {
        const n = this.varUint()
        for (let i = 0; i < n; i++) this.any(depth + 1)
        return
      }
      default:
        this.pos--
        return this.fail('unknown value type')
    }
  }

  /** Item content by its ref (the info byte's low five bits). */
  content(ref: number): void {
    switch (ref) {
      case 1: // deleted: a length
        this.varUint()
        return
      case 2: {
        // JSON (legacy): strings, each JSON or "undefined"
        const n = this.varUint()
        for (let i = 0; i < n; i++) {
          const text = this.varString()
          if (text === 'undefined') continue
          try {
            JSON.parse(text)
          } catch {
            this.fail('JSON content does not parse')
          }
        }
        return
      }
      case 3: // binary
        return this.varBytes()
      case 4: // string
        return this.varText()
      case 5: // embed
        return this.json()
      case 6: // format: key and JSON value
        this.varText()
        return this.json()
      case 7: {
        // a nested type
        const typeRef = this.varUint()
        if (typeRef > 6) this.fail('unknown type')
        if (typeRef === 3 || typeRef === 5) this.varText() // XmlElement's and XmlHook's name
        return
      }
      case 8: {
        // any values
        const n = this.varUint()
        for (let i = 0; i < n; i++) this.any()
        return
      }
      case 9: {
        // a subdocument: guid and options (Yjs reads `opts.shouldLoad`: null and undefined throw)
        this.varText()
        const type = this.bytes[this.pos]
        if (type === 127 || type === 126) this.fail('subdocument without options')
        return this.any()
      }
      default:
        return this.fail(`unknown content ${ref}`)
    }
  }

  id(): void {
    this.varUint()
    this.varUint()
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Whether bytes[start, end) is UTF-8 as a fatal TextDecoder accepts it (WHATWG), without decoding. */
const isUtf8 = (bytes: Uint8Array, start: number, end: number): boolean => {
  let i = start
  while (i < end) {
    const b = bytes[i]!
    if (b < 0x80) {
      i++
      continue
    }
    let more: number
    let lo = 0x80
    let hi = 0xbf
    if (b >= 0xc2 && b <= 0xdf) more = 1
    else if (b === 0xe0) (more = 2), (lo = 0xa0)
    else if (b === 0xed) (more = 2), (hi = 0x9f)
    else if (b >= 0xe1 && b <= 0xef) more = 2
    else if (b === 0xf0) (more = 3), (lo = 0x90)
    else if (b === 0xf4) (more = 3), (hi = 0x8f)
    else if (b >= 0xf1 && b <= 0xf3) more = 3
    else return false
    if (i + more >= end) return false // the sequence is cut off
    const second = bytes[i + 1]!
    if (second < lo || second > hi) return false
    for (let k = 2; k <= more; k++) {
      const c = bytes[i + k]!
      if (c < 0x80 || c > 0xbf) return false
    }
    i += more + 1
  }
  return true
}
/** Deeper than any document needs; a bound keeps a crafted value from overflowing the stack. */
const MAX_ANY_DEPTH = 1_000

/** Throws UpdateFormatError unless `update` is a Yjs v1 update that Yjs can read. */
export function checkUpdateV1(update: Uint8Array): void {
  const w = new Walker(update)
  const clients = w.varUint()
  for (let c = 0; c < clients; c++) {
    const structs = w.varUint()
    w.varUint() // client
    w.varUint() // first clock
    for (let s = 0; s < structs; s++) {
      const info = w.uint8()
      const ref = info & BITS5
      if (ref === 0) {
        w.varUint() // GC: a length
      } else if (ref === 10) {
        // A skip; the lazy reader takes only a bare 10 as one.
        if (info !== 10) w.fail('skip with flags')
        w.varUint()
      } else {
        if (info & BIT8) w.id() // origin
        if (info & BIT7) w.id() // right origin
        if ((info & (BIT7 | BIT8)) === 0) {
          // parent: a root type's name or a nested type's ID; then a map key if BIT6
          if (w.varUint() === 1) w.varText()
          else w.id()
          if (info & BIT6) w.varText()
        }
        w.content(ref)
      }
    }
  }
  // The delete set: per client, ranges of clock and length.
  const dsClients = w.varUint()
  for (let c = 0; c < dsClients; c++) {
    w.varUint() // client
    const ranges = w.varUint()
    for (let r = 0; r < ranges; r++) {
      w.varUint()
      w.varUint()
    }
  }
}
