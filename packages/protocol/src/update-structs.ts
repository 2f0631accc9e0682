// Reads a Yjs v1 update into its structs without content: ids, lengths, origins, parent and map
// key, the content's kind (and a nested type's kind), and the delete set. What `Y.decodeUpdate`
// gives minus the values, for code that follows a document's shape (which type and key each id
// belongs to) but never needs its values. One typed row per struct and map keys left as byte
// ranges of the update: a new customer is ≈50 structs, and objects and strings per struct would
// cost more than the walk itself.
import { UpdateWalker } from './update-walker'

const BITS5 = 0b11111
const BIT6 = 0b100000
const BIT7 = 0b1000000
const BIT8 = 0b10000000

/** Struct kinds: a garbage-collected range, a skipped range (merged updates), an item. */
export const STRUCT_KIND = { gc: 0, skip: 1, item: 2 } as const
export type StructKind = (typeof STRUCT_KIND)[keyof typeof STRUCT_KIND]

/** Content refs as the info byte carries them (yjs/src/structs/Content*.js). */
export const CONTENT_REF = { deleted: 1, json: 2, binary: 3, string: 4, embed: 5, format: 6, type: 7, any: 8, doc: 9 } as const

/** Nested type refs (yjs/src/types/*.js `_write`). */
export const TYPE_REF = { array: 0, map: 1, text: 2, xmlElement: 3, xmlFragment: 4, xmlHook: 5, xmlText: 6 } as const

/** No id (origin, right origin or parent absent), no string. Client ids are uint32. */
export const NO_CLIENT = -1

const KIND = 0
const CLIENT = 1
const CLOCK = 2
const LENGTH = 3
const ORIGIN_CLIENT = 4
const ORIGIN_CLOCK = 5
const RIGHT_CLIENT = 6
const RIGHT_CLOCK = 7
const PARENT_CLIENT = 8
const PARENT_CLOCK = 9
const NAME_START = 10
const NAME_END = 11
const SUB_START = 12
const SUB_END = 13
const CONTENT = 14
const TYPE = 15
const STRIDE = 16

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true })

/**
 * The structs of an update, one row each, the rows of one client together in clock order. Ids are
 * (client, clock) pairs kept as two numbers each. Strings (a root type's name, a map key) are
 * byte ranges of `bytes`.
 */
export class UpdateStructs {
  /** Per client: client id, first row, end row (flat triples), in the update's order. */
  readonly clients: number[] = []
  /** The delete set as flat (client, clock, length) triples. */
  readonly deletes: number[] = []
  rows = 0
  private cells: Float64Array

  /** `bytes`: the update the rows were read from (their strings); `capacity`: rows to make room for. */
  constructor(readonly bytes: Uint8Array, capacity = 16) {
    this.cells = new Float64Array(Math.max(1, capacity) * STRIDE)
  }

  kind(r: number): StructKind {
    return this.cells[r * STRIDE + KIND] as StructKind
  }
  client(r: number): number {
    return this.cells[r * STRIDE + CLIENT]!
  }
  clock(r: number): number {
    return this.cells[r * STRIDE + CLOCK]!
  }
  length(r: number): number {
    return this.cells[r * STRIDE + LENGTH]!
  }
  /** The item's left neighbour when it was made, or NO_CLIENT. */
  originClient(r: number): number {
    return this.cells[r * STRIDE + ORIGIN_CLIENT]!
  }
  originClock(r: number): number {
    return this.cells[r * STRIDE + ORIGIN_CLOCK]!
  }
  /** The item's right neighbour when it was made, or NO_CLIENT. */
  rightClient(r: number): number {
    return this.cells[r * STRIDE + RIGHT_CLIENT]!
  }
  rightClock(r: number): number {
    return this.cells[r * STRIDE + RIGHT_CLOCK]!
  }
  /** A nested type's item as the parent (written only when the item has neither origin), or NO_CLIENT. */
  parentClient(r: number): number {
    return this.cells[r * STRIDE + PARENT_CLIENT]!
  }
  parentClock(r: number): number {
    return this.cells[r * STRIDE + PARENT_CLOCK]!
  }
  /** A root type as the parent, by name: its byte range, start -1 when absent. */
  nameStart(r: number): number {
    return this.cells[r * STRIDE + NAME_START]!
  }
  nameEnd(r: number): number {
    return this.cells[r * STRIDE + NAME_END]!
  }
  /** The map key (written under the same condition as the parent): byte range, start -1 when absent. */
  subStart(r: number): number {
    return this.cells[r * STRIDE + SUB_START]!
  }
  subEnd(r: number): number {
    return this.cells[r * STRIDE + SUB_END]!
  }
  contentRef(r: number): number {
    return this.cells[r * STRIDE + CONTENT]!
  }
  /** For a nested type's item (contentRef 7): the type's ref; else -1. */
  typeRef(r: number): number {
    return this.cells[r * STRIDE + TYPE]!
  }

  /** The string at bytes[start, end) (a name or key range). */
  text(start: number, end: number): string {
    return utf8.decode(this.bytes.subarray(start, end))
  }

  /** Appends a row of zeros; returns its number (its cells start at row · STRIDE of `cellsOf()`). */
  add(): number {
    if ((this.rows + 1) * STRIDE > this.cells.length) {
      const cells = new Float64Array(this.cells.length * 2)
      cells.set(this.cells)
      this.cells = cells
    }
    return this.rows++
  }

  /** Appends a copy of a row of STRIDE cells. */
  push(values: ArrayLike<number>): number {
    const r = this.add()
    this.cells.set(values, r * STRIDE)
    return r
  }

  /** The cells, for the reader writing rows in place (valid until the next `add`). */
  cellsOf(): Float64Array {
    return this.cells
  }

  /** The row's cells (to copy a row into another UpdateStructs). */
  row(r: number): Float64Array {
    return this.cells.subarray(r * STRIDE, (r + 1) * STRIDE)
  }
}

/**
 * Structs of several updates gathered into one (what an update holds back for later), each
 * client's rows sorted by clock. Strings are copied, so the sources may go.
 */
export function gatherStructs(parts: ReadonlyArray<{ from: UpdateStructs; rows: readonly number[] }>): UpdateStructs {
  const picked: Array<{ from: UpdateStructs; r: number }> = []
  for (const { from, rows } of parts) for (const r of rows) picked.push({ from, r })
  picked.sort((a, b) => a.from.client(a.r) - b.from.client(b.r) || a.from.clock(a.r) - b.from.clock(b.r))
  let size = 0
  for (const { from, r } of picked) size += Math.max(0, from.nameEnd(r) - from.nameStart(r)) + Math.max(0, from.subEnd(r) - from.subStart(r))
  const bytes = new Uint8Array(size)
  const out = new UpdateStructs(bytes)
  let at = 0
  const copy = (from: UpdateStructs, start: number, end: number): [number, number] => {
    if (start < 0) return [-1, -1]
    bytes.set(from.bytes.subarray(start, end), at)
    at += end - start
    return [at - (end - start), at]
  }
  for (const { from, r } of picked) {
    const row = Float64Array.from(from.row(r))
    ;[row[NAME_START], row[NAME_END]] = copy(from, from.nameStart(r), from.nameEnd(r))
    ;[row[SUB_START], row[SUB_END]] = copy(from, from.subStart(r), from.subEnd(r))
    const n = out.push(row)
    const client = row[CLIENT]!
    const last = out.clients.length - 3
    if (last >= 0 && out.clients[last] === client) out.clients[last + 2] = n + 1
    else out.clients.push(client, n, n + 1)
  }
  return out
}

/**
 * Reads a v1 update. Throws UpdateFormatError where Yjs could not read it (the same checks as
 * `checkUpdateV1`).
 */
export function readUpdateStructs(update: Uint8Array): UpdateStructs {
  const w = new UpdateWalker(update)
  // A struct takes a few bytes at least; most take dozens.
  const out = new UpdateStructs(update, Math.ceil(update.length / 24))
  const clientCount = w.varUint()
  for (let c = 0; c < clientCount; c++) {
    const count = w.varUint()
    const client = w.varUint()
    let clock = w.varUint()
    const first = out.rows
    for (let s = 0; s < count; s++) {
      const row = out.add()
      const cells = out.cellsOf()
      const at = row * STRIDE
      cells[at + CLIENT] = client
      cells[at + CLOCK] = clock
      cells[at + ORIGIN_CLIENT] = cells[at + RIGHT_CLIENT] = cells[at + PARENT_CLIENT] = NO_CLIENT
      cells[at + NAME_START] = cells[at + NAME_END] = cells[at + SUB_START] = cells[at + SUB_END] = -1
      cells[at + TYPE] = -1
      const info = w.uint8()
      const ref = info & BITS5
      let length: number
      if (ref === 0 || ref === 10) {
        if (ref === 10 && info !== 10) w.fail('skip with flags')
        cells[at + KIND] = ref === 0 ? STRUCT_KIND.gc : STRUCT_KIND.skip
        length = w.varUint()
      } else {
        cells[at + KIND] = STRUCT_KIND.item
        if (info & BIT8) (cells[at + ORIGIN_CLIENT] = w.varUint()), (cells[at + ORIGIN_CLOCK] = w.varUint())
        if (info & BIT7) (cells[at + RIGHT_CLIENT] = w.varUint()), (cells[at + RIGHT_CLOCK] = w.varUint())
        if ((info & (BIT7 | BIT8)) === 0) {
          if (w.varUint() === 1) {
            w.varText()
            cells[at + NAME_START] = w.textStart
            cells[at + NAME_END] = w.pos
          } else (cells[at + PARENT_CLIENT] = w.varUint()), (cells[at + PARENT_CLOCK] = w.varUint())
          if (info & BIT6) {
            w.varText()
            cells[at + SUB_START] = w.textStart
            cells[at + SUB_END] = w.pos
          }
        }
        w.typeRef = -1
        length = w.content(ref)
        cells[at + CONTENT] = ref
        cells[at + TYPE] = w.typeRef
      }
      cells[at + LENGTH] = length
      clock += length
    }
    out.clients.push(client, first, out.rows)
  }
  const dsClients = w.varUint()
  for (let c = 0; c < dsClients; c++) {
    const client = w.varUint()
    const ranges = w.varUint()
    for (let r = 0; r < ranges; r++) out.deletes.push(client, w.varUint(), w.varUint())
  }
  return out
}
