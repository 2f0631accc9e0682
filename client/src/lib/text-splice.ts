// What a textarea edit did, as one splice (index, deleteCount, insert) to apply to a Y.Text.
// The caret tells where a typed or pasted text ends, which settles ambiguous cases (typing "a"
// into "aa") the way the user did it, so concurrent edits nearby merge where they belong.

export interface Splice {
  readonly index: number
  readonly deleteCount: number
  readonly insert: string
}

const isLowSurrogate = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i)
  return c >= 0xdc00 && c <= 0xdfff
}

/** The splice that turns `before` into `after`; `caret` is the selection end after the edit. */
export function spliceBetween(before: string, after: string, caret = after.length): Splice | null {
  if (before === after) return null
  let suffix = after.length - Math.min(Math.max(caret, 0), after.length)
  if (suffix > before.length || !before.endsWith(after.slice(after.length - suffix))) {
    suffix = commonSuffix(before, after)
  }
  const maxPrefix = Math.min(before.length, after.length) - suffix
  let prefix = 0
  while (prefix < maxPrefix && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++
  // Never cut a surrogate pair in half (Yjs would store U+FFFD).
  if (prefix > 0 && isLowSurrogate(after, prefix) && isLowSurrogate(before, prefix)) prefix--
  let deleteEnd = before.length - suffix
  let insertEnd = after.length - suffix
  if (suffix > 0 && isLowSurrogate(before, deleteEnd) && isLowSurrogate(after, insertEnd)) {
    deleteEnd++
    insertEnd++
  }
  return { index: prefix, deleteCount: deleteEnd - prefix, insert: after.slice(prefix, insertEnd) }
}

function commonSuffix(a: string, b: string): number {
  const max = Math.min(a.length, b.length)
  let n = 0
  while (n < max && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++
  return n
}
