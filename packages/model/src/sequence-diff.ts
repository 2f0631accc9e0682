// The smallest set of edits that turns one sequence into another (Myers' O(ND) algorithm).
// Used to apply "full replacement" notes and tags as small edits, so that concurrent edits to
// other parts of the same text or list survive the merge. lib0's simpleDiffString (which yjs
// depends on) only strips a common prefix and suffix: two changes far apart would rewrite all
// the text between them and silently drop concurrent edits there.

/** Replace `deleteCount` items at `index` (in the original sequence) by `insert`. */
export type SequenceEdit<T> = { index: number; deleteCount: number; insert: T[] }

/** Above this many differences, give up on minimality and replace the differing middle. */
const MAX_EDIT_DISTANCE = 1000

/** Edits in ascending index order; indexes refer to the original `a`. */
export function diffSequences<T>(a: readonly T[], b: readonly T[]): SequenceEdit<T>[] {
  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start++
  let endA = a.length
  let endB = b.length
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB-- }
  if (start === endA && start === endB) return []
  const midA = a.slice(start, endA)
  const midB = b.slice(start, endB)
  const ops = myers(midA, midB)
  if (!ops) return [{ index: start, deleteCount: midA.length, insert: midB.slice() }]
  return mergeOps(ops, midB, start)
}

type Op = 'keep' | 'del' | 'ins'

/** The edit script as one op per item, or null when it exceeds MAX_EDIT_DISTANCE. */
function myers<T>(a: readonly T[], b: readonly T[]): Op[] | null {
  const n = a.length
  const m = b.length
  const max = Math.min(n + m, MAX_EDIT_DISTANCE)
  const offset = max + 1
  const v = new Int32Array(2 * max + 3)
  const trace: Int32Array[] = []
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2))
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)
        ? v[offset + k + 1]!
        : v[offset + k - 1]! + 1
      let y = x - k
      while (x < n && y < m && a[x] === b[y]) { x++; y++ }
      v[offset + k] = x
      if (x >= n && y >= m) return backtrack(trace, d, n, m, a, b)
    }
  }
  return null
}

function backtrack<T>(trace: Int32Array[], dEnd: number, n: number, m: number, a: readonly T[], b: readonly T[]): Op[] {
  const ops: Op[] = []
  let x = n
  let y = m
  for (let d = dEnd; d > 0; d--) {
    // trace[d] holds v before step d, for k in [-d-1, d+1] at index k + d + 1.
    const v = trace[d]!
    const at = (k: number) => v[k + d + 1]!
    const k = x - y
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1))
    const prevK = down ? k + 1 : k - 1
    const prevX = at(prevK)
    const prevY = prevX - prevK
    while (x > prevX + (down ? 0 : 1) && y > prevY + (down ? 1 : 0)) { ops.push('keep'); x--; y-- }
    ops.push(down ? 'ins' : 'del')
    x = prevX
    y = prevY
  }
  while (x > 0 && y > 0 && a[x - 1] === b[y - 1]) { ops.push('keep'); x--; y-- }
  return ops.reverse()
}

function mergeOps<T>(ops: Op[], b: readonly T[], base: number): SequenceEdit<T>[] {
  const edits: SequenceEdit<T>[] = []
  let ia = 0
  let ib = 0
  let current: SequenceEdit<T> | null = null
  for (const op of ops) {
    if (op === 'keep') {
      if (current) { edits.push(current); current = null }
      ia++; ib++
      continue
    }
    current ??= { index: base + ia, deleteCount: 0, insert: [] }
    if (op === 'del') { current.deleteCount++; ia++ } else { current.insert.push(b[ib]!); ib++ }
  }
  if (current) edits.push(current)
  return edits
}
