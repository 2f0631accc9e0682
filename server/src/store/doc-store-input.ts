// Argument checks shared by every DocStore, so that all implementations reject the same calls
// the same way (StoreError 'invalid') before they touch storage.
import type { AppendEntry } from './doc-store'
import { StoreError } from './store-error'

const invalid = (message: string) => new StoreError('invalid', message)

export function checkBookId(bookId: unknown): asserts bookId is string {
  if (typeof bookId !== 'string' || bookId.length === 0) throw invalid('bookId must be a non-empty string')
}

export function checkEntries(entries: unknown): asserts entries is readonly AppendEntry[] {
  if (!Array.isArray(entries)) throw invalid('entries must be an array')
  for (const [i, e] of entries.entries()) {
    const entry = e as Partial<AppendEntry> | null
    if (!(entry?.update instanceof Uint8Array)) throw invalid(`entries[${i}].update must be a Uint8Array`)
    if (typeof entry.userId !== 'string' || entry.userId.length === 0) {
      throw invalid(`entries[${i}].userId must be a non-empty string`)
    }
  }
}

/** A sequence number or count: an integer >= `min`. */
export function checkInteger(name: string, value: unknown, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalid(`${name} must be an integer >= ${min}`)
  }
}

export function checkTime(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${name} must be a finite number`)
}

export function checkSnapshot(snapshot: unknown, upToSeq: unknown, headSeq: number, index?: unknown): void {
  if (!(snapshot instanceof Uint8Array)) throw invalid('snapshot must be a Uint8Array')
  if (index !== undefined && !(index instanceof Uint8Array)) throw invalid('a snapshot index must be a Uint8Array')
  checkInteger('upToSeq', upToSeq, 1)
  if (upToSeq > headSeq) throw invalid(`upToSeq ${upToSeq} is beyond the book's head ${headSeq}`)
}

export const byteLengthOf = (entries: readonly AppendEntry[]): number =>
  entries.reduce((n, e) => n + e.update.byteLength, 0)
