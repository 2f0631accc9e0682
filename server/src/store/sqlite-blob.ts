// better-sqlite3 hands BLOBs back as Buffers; the stores promise plain Uint8Arrays, so that
// callers never meet Buffer's different slice() or toString() semantics.

/** A plain Uint8Array over the same bytes when the Buffer owns its memory, else a copy. */
export function fromBlob(blob: unknown): Uint8Array {
  if (!(blob instanceof Uint8Array)) throw new TypeError(`expected a BLOB, got ${typeof blob}`)
  const { buffer, byteOffset, byteLength } = blob
  // A Buffer carved from Node's shared pool must not expose its neighbours: copy it.
  return byteOffset === 0 && byteLength === buffer.byteLength
    ? new Uint8Array(buffer, byteOffset, byteLength)
    : new Uint8Array(blob)
}
