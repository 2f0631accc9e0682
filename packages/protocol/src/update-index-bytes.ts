// An UpdateIndex's parts as bytes, to be kept beside the update they index: the relay stores a
// big book's index with its snapshot, so that a book loaded from the store answers its first
// joining client without walking 16 MiB on the event loop. Versioned, and checked on the way back
// in: parts that do not hang together are refused (the caller walks the update instead).
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { IndexSection, UpdateIndexParts } from './update-index'

/** The layout below; another value is refused, so an index from a later layout is walked again. */
const FORMAT = 1

/** `parts` as bytes: FORMAT, the delete set's bounds, then each section with its checkpoints. */
export function encodeIndexParts(parts: UpdateIndexParts): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, FORMAT)
  encoding.writeVarUint(e, parts.deleteSetStart)
  encoding.writeVarUint(e, parts.deleteSetEnd)
  encoding.writeVarUint(e, parts.sections.length)
  for (const s of parts.sections) {
    encoding.writeVarUint(e, s.client)
    encoding.writeVarUint(e, s.count)
    encoding.writeVarUint(e, s.end)
    encoding.writeVarUint(e, s.endClock)
    encoding.writeVarUint(e, s.knownThrough)
    encoding.writeVarUint(e, s.checkpoints.length)
    for (const n of s.checkpoints) encoding.writeVarUint(e, n)
  }
  return encoding.toUint8Array(e)
}

/** Index bytes that are not parts encodeIndexParts wrote, or parts that do not hang together. */
export class IndexBytesError extends Error {
  override readonly name = 'IndexBytesError'
}

/**
 * The parts `bytes` hold. Throws IndexBytesError for another format, bytes cut short or left
 * over, and parts that cannot describe an update: sections out of order or past the delete set,
 * checkpoints outside their section or going backwards, clocks beyond where a section ends.
 */
export function decodeIndexParts(bytes: Uint8Array): UpdateIndexParts {
  const d = decoding.createDecoder(bytes)
  const read = (): number => {
    try {
      return decoding.readVarUint(d)
    } catch {
      throw new IndexBytesError('index bytes cut short')
    }
  }
  const format = read()
  if (format !== FORMAT) throw new IndexBytesError(`index bytes of format ${format}, not ${FORMAT}`)
  const deleteSetStart = read()
  const deleteSetEnd = read()
  if (deleteSetEnd < deleteSetStart) throw new IndexBytesError('the delete set ends before it begins')
  const sections: IndexSection[] = []
  const count = read()
  let previousEnd = 0
  for (let i = 0; i < count; i++) {
    const section = { client: read(), count: read(), end: read(), endClock: read(), knownThrough: read(), checkpoints: [] as number[] }
    if (section.end <= previousEnd || section.end > deleteSetStart) throw new IndexBytesError(`section ${i} ends at ${section.end}, outside ${previousEnd}..${deleteSetStart}`)
    if (section.knownThrough > section.endClock) throw new IndexBytesError(`section ${i} is known through a clock past its end`)
    const numbers = read()
    if (numbers % 2 !== 0 || numbers / 2 > section.count) throw new IndexBytesError(`section ${i} has ${numbers} checkpoint numbers for ${section.count} structs`)
    let clock = -1
    let offset = previousEnd - 1
    for (let n = 0; n < numbers; n += 2) {
      const [at, where] = [read(), read()]
      if (at <= clock || at >= section.endClock || where <= offset || where >= section.end) {
        throw new IndexBytesError(`section ${i}: checkpoint ${n / 2} (clock ${at} at ${where}) is out of order or outside the section`)
      }
      section.checkpoints.push(at, where)
      ;[clock, offset] = [at, where]
    }
    sections.push(section)
    previousEnd = section.end
  }
  if (decoding.hasContent(d)) throw new IndexBytesError('bytes left over after the index')
  return { sections, deleteSetStart, deleteSetEnd }
}
