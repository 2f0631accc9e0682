// Database drivers (better-sqlite3 BLOBs, node-postgres bytea) hand bytes back as Buffers; the
// stores promise plain Uint8Arrays, so that callers never meet Buffer's slice() or toString().

/** A plain Uint8Array over the same bytes when the Buffer owns its memory, else a copy. */
export function toPlainBytes(bytes: unknown): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`expected binary data, got ${typeof bytes}`)
  const { buffer, byteOffset, byteLength } = bytes
  // A Buffer carved from Node's shared pool must not expose its neighbours: copy it.
  return byteOffset === 0 && byteLength === buffer.byteLength
    ? new Uint8Array(buffer, byteOffset, byteLength)
    : new Uint8Array(bytes)
}
