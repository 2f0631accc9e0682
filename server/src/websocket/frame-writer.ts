// Server frames (RFC 6455 section 5.2): never masked, so one framed message is the same bytes for
// every socket it goes to.

const FINAL = 0x80

/** The header of a final, unmasked frame with `opcode` and a payload of `length` bytes. */
export const frameHeader = (opcode: number, length: number): Buffer => {
  const header = Buffer.allocUnsafe(length < 126 ? 2 : length < 65_536 ? 4 : 10)
  writeHeader(header, opcode, length)
  return header
}

/** A final, unmasked frame with `opcode` carrying `payload`, in one buffer. */
export const frame = (opcode: number, payload: Uint8Array): Buffer => {
  const n = payload.length
  const headerLength = n < 126 ? 2 : n < 65_536 ? 4 : 10
  const bytes = Buffer.allocUnsafe(headerLength + n)
  writeHeader(bytes, opcode, n)
  bytes.set(payload, headerLength)
  return bytes
}

const writeHeader = (into: Buffer, opcode: number, length: number): void => {
  into[0] = FINAL | opcode
  if (length < 126) {
    into[1] = length
  } else if (length < 65_536) {
    into[1] = 126
    into.writeUInt16BE(length, 2)
  } else {
    into[1] = 127
    into.writeUInt32BE(Math.floor(length / 2 ** 32), 2)
    into.writeUInt32BE(length >>> 0, 6)
  }
}
