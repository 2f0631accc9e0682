// Checks that a Yjs v1 update decodes, by walking its bytes the way Yjs reads them without
// building anything: no Item, ID, content or delete-set objects. `Y.decodeUpdate` builds all of
// them only to throw them away (≈0.5 µs a struct; a new customer is ≈50 structs), and the relay
// checks every update it receives before storing or broadcasting it.
//
// It fails wherever Yjs' readers fail (both the lazy reader of `Y.decodeUpdate` and the one
// `Y.applyUpdate` uses), and also on a read past the end of `update` that lib0 would let run on
// into the bytes after it in the same buffer. It also refuses two things Yjs reads but then
// throws on half-way through `Y.applyUpdate`, having integrated part of the update: an item that
// refers (origin, right origin or parent) to an id of its own client that is not earlier than
// itself (Yjs looks those up without checking that they exist), and a deleted range of length
// 0 (Yjs throws when it keeps such a range for later). No client writes either. Format: yjs/src/utils/encoding.js (v1 encoders),
// yjs/src/structs/Content*.js, lib0/decoding.js `readAny`; checked against `Y.decodeUpdate` on
// generated documents and on every truncation and many corruptions of them (check-update.test.ts).

import { UpdateWalker } from './update-walker'

export { UpdateFormatError } from './update-walker'

const BITS5 = 0b11111
const BIT6 = 0b100000
const BIT7 = 0b1000000
const BIT8 = 0b10000000

/** Throws UpdateFormatError unless `update` is a Yjs v1 update that Yjs can read. */
export function checkUpdateV1(update: Uint8Array): void {
  const w = new UpdateWalker(update)
  const clients = w.varUint()
  for (let c = 0; c < clients; c++) {
    const structs = w.varUint()
    const client = w.varUint()
    let clock = w.varUint()
    for (let s = 0; s < structs; s++) {
      const info = w.uint8()
      const ref = info & BITS5
      if (ref === 0) {
        clock += w.varUint() // GC: a length
      } else if (ref === 10) {
        // A skip; the lazy reader takes only a bare 10 as one.
        if (info !== 10) w.fail('skip with flags')
        clock += w.varUint()
      } else {
        if (info & BIT8) earlierOwnId(w, client, clock, 'origin')
        if (info & BIT7) earlierOwnId(w, client, clock, 'right origin')
        if ((info & (BIT7 | BIT8)) === 0) {
          // parent: a root type's name or a nested type's ID; then a map key if BIT6
          if (w.varUint() === 1) w.varText()
          else earlierOwnId(w, client, clock, 'parent')
          if (info & BIT6) w.varText()
        }
        clock += w.content(ref)
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
      if (w.varUint() === 0) w.fail('deleted range of length 0')
    }
  }
}

/** Reads an id; one of the item's own client must be earlier than the item (`clock`). */
function earlierOwnId(w: UpdateWalker, client: number, clock: number, what: string): void {
  const idClient = w.varUint()
  const idClock = w.varUint()
  if (idClient === client && idClock >= clock) w.fail(`${what} ${idClient}:${idClock} is not earlier than its item ${client}:${clock}`)
}
