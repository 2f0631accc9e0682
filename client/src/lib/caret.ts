// Moving a caret through someone else's edit: the text before it may grow or shrink, and the
// caret must stay next to the same characters. `delta` is a Y.Text event delta.

export type TextDelta = ReadonlyArray<{ readonly retain?: number; readonly insert?: unknown; readonly delete?: number }>

/** Where `position` is after `delta`; text inserted exactly at the caret lands after it. */
export function transformPosition(position: number, delta: TextDelta): number {
  let index = 0 // position in the old text
  let shift = 0
  for (const op of delta) {
    if (index > position) break
    if (op.retain !== undefined) {
      index += op.retain
    } else if (op.insert !== undefined) {
      const length = typeof op.insert === 'string' ? op.insert.length : 1
      if (index < position) shift += length
    } else if (op.delete !== undefined) {
      if (index < position) shift -= Math.min(op.delete, position - index)
      index += op.delete
    }
  }
  return Math.max(0, position + shift)
}
