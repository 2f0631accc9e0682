// A cursor over a Yjs v1 update that reads it the way Yjs does, without building anything: the
// primitives of lib0/decoding, and item content skipped by its ref with its length in Yjs' units.
// Shared by the relay's update check (check-update.ts) and the struct reader (update-structs.ts).
// Format: yjs/src/utils/encoding.js (v1 encoders), yjs/src/structs/Content*.js, lib0 `readAny`.

/** Thrown for an update Yjs could not read; the message says where. */
export class UpdateFormatError extends Error {
  override readonly name = 'UpdateFormatError'
}

/** Deeper than any document needs; a bound keeps a crafted value from overflowing the stack. */
const MAX_ANY_DEPTH = 1_000

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export class UpdateWalker {
  pos = 0
  constructor(readonly bytes: Uint8Array) {}

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

  /**
   * A length-prefixed string, not decoded: lib0 decodes UTF-8 strictly (`fatal`), so invalid
   * UTF-8 fails. Returns its length in UTF-16 code units, as JavaScript (and so Yjs) counts it.
   */
  varText(): number {
    const n = this.varUint()
    const start = (this.textStart = this.pos)
    this.skip(n)
    const units = utf16Length(this.bytes, start, start + n)
    if (units < 0) this.fail('string is not UTF-8')
    return units
  }

  /** A length-prefixed string, decoded. */
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
        this.varText()
        return
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

  /**
   * Item content by its ref (the info byte's low five bits), skipped. Returns the item's length
   * (what its id range spans); for a nested type (ref 7), `typeRef` holds the type's ref after.
   */
  content(ref: number): number {
    switch (ref) {
      case 1: // deleted: a length
        return this.varUint()
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
        return n
      }
      case 3: // binary
        this.varBytes()
        return 1
      case 4: // string
        return this.varText()
      case 5: // embed
        this.json()
        return 1
      case 6: // format: key and JSON value
        this.varText()
        this.json()
        return 1
      case 7: {
        // a nested type
        const typeRef = this.varUint()
        if (typeRef > 6) this.fail('unknown type')
        if (typeRef === 3 || typeRef === 5) this.varText() // XmlElement's and XmlHook's name
        this.typeRef = typeRef
        return 1
      }
      case 8: {
        // any values
        const n = this.varUint()
        for (let i = 0; i < n; i++) this.any()
        return n
      }
      case 9: {
        // a subdocument: guid and options (Yjs reads `opts.shouldLoad`: null and undefined throw)
        this.varText()
        const type = this.bytes[this.pos]
        if (type === 127 || type === 126) this.fail('subdocument without options')
        this.any()
        return 1
      }
      default:
        return this.fail(`unknown content ${ref}`)
    }
  }

  /** An ID (client, clock), skipped. */
  id(): void {
    this.varUint()
    this.varUint()
  }

  /** Where the last string `varText` passed starts (it ends at `pos`). */
  textStart = 0

  /** The type ref of the last nested-type content read (0 array, 1 map, 2 text, 3–6 XML). */
  typeRef = -1
}

/**
 * The UTF-16 length of bytes[start, end) if they are UTF-8 as a fatal TextDecoder accepts it
 * (WHATWG), else -1; without decoding. Four-byte sequences are two UTF-16 units.
 */
export const utf16Length = (bytes: Uint8Array, start: number, end: number): number => {
  let i = start
  let units = 0
  while (i < end) {
    const b = bytes[i]!
    if (b < 0x80) {
      i++
      units++
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
    else return -1
    if (i + more >= end) return -1 // the sequence is cut off
    const second = bytes[i + 1]!
    if (second < lo || second > hi) return -1
    for (let k = 2; k <= more; k++) {
      const c = bytes[i + k]!
      if (c < 0x80 || c > 0xbf) return -1
    }
    i += more + 1
    units += more === 3 ? 2 : 1
  }
  return units
}
