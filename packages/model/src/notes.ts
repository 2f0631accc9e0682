// Editing a customer's notes, a Y.Text that several people type into at once. Whole-text
// replacements (HTTP PATCH, form saves) are applied as a minimal diff so that concurrent edits
// made elsewhere in the text survive the merge.
import * as Y from 'yjs'
import { getCustomerMap, invalid, isYText, nested } from './customer-map'
import { diffSequences } from './sequence-diff'

export function notesText(customer: Y.Map<unknown>): Y.Text {
  return nested(customer, 'notes', () => new Y.Text(), isYText)
}

/** Splice the notes; index and deleteCount are in UTF-16 code units, like Y.Text itself. */
export function editNotes(
  doc: Y.Doc,
  customerId: string,
  index: number,
  deleteCount: number,
  insert: string,
  origin?: unknown,
): void {
  const customer = getCustomerMap(doc, customerId)
  doc.transact(() => {
    const text = notesText(customer)
    if (!Number.isInteger(index) || !Number.isInteger(deleteCount) || index < 0 || deleteCount < 0 ||
      index + deleteCount > text.length) {
      throw invalid(`notes edit out of range: index ${index}, deleteCount ${deleteCount}, length ${text.length}`)
    }
    if (deleteCount > 0) text.delete(index, deleteCount)
    if (insert.length > 0) text.insert(index, insert)
  }, origin)
}

/**
 * Makes `text` read `next` with as few character edits as possible. Diffs by code point so a
 * surrogate pair is never split (Yjs would turn a split pair into U+FFFD). Returns whether
 * anything changed. Call inside a transaction.
 */
export function replaceText(text: Y.Text, next: string): boolean {
  const current = text.toString()
  if (current === next) return false
  const a = Array.from(current)
  const b = Array.from(next)
  const edits = diffSequences(a, b)
  // Apply from the end so earlier indexes stay valid; convert code points to UTF-16 offsets.
  const utf16Offset = prefixLengths(a)
  for (let i = edits.length - 1; i >= 0; i--) {
    const edit = edits[i]!
    const from = utf16Offset[edit.index]!
    const to = utf16Offset[edit.index + edit.deleteCount]!
    if (to > from) text.delete(from, to - from)
    if (edit.insert.length > 0) text.insert(from, edit.insert.join(''))
  }
  return true
}

function prefixLengths(chars: string[]): number[] {
  const out = new Array<number>(chars.length + 1)
  out[0] = 0
  for (let i = 0; i < chars.length; i++) out[i + 1] = out[i]! + chars[i]!.length
  return out
}
