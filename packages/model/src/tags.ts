// A customer's tags: a Y.Array<string> with set semantics. Replacing the whole list is applied
// as a minimal diff, so a tag another replica adds concurrently is kept.
import * as Y from 'yjs'
import { isYArray, nested } from './customer-map'
import { diffSequences } from './sequence-diff'

export function tagsArray(customer: Y.Map<unknown>): Y.Array<string> {
  return nested(customer, 'tags', () => new Y.Array<unknown>(), isYArray) as Y.Array<string>
}

/** Trimmed, non-empty, first spelling wins among case-insensitive duplicates. */
export function cleanTags(tags: readonly unknown[]): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const tag of tags) {
    if (typeof tag !== 'string') continue
    const t = tag.trim()
    const key = t.toLowerCase()
    if (t === '' || seen.has(key)) continue
    seen.add(key)
    out.push(t)
  }
  return out
}

/**
 * Tags as read: strings only, exact duplicates dropped (two replicas adding the same tag at
 * once leave it twice in the Y.Array).
 */
export function readTags(tags: Y.Array<unknown>): string[] {
  return [...new Set(tags.toArray().filter((t): t is string => typeof t === 'string'))]
}

/** Makes the array read `next`; returns whether anything changed. Call inside a transaction. */
export function replaceTags(tags: Y.Array<string>, next: readonly string[]): boolean {
  const edits = diffSequences(tags.toArray(), cleanTags(next))
  for (let i = edits.length - 1; i >= 0; i--) {
    const edit = edits[i]!
    if (edit.deleteCount > 0) tags.delete(edit.index, edit.deleteCount)
    if (edit.insert.length > 0) tags.insert(edit.index, edit.insert)
  }
  return edits.length > 0
}
