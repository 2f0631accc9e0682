// Three-way merge of plain text (a customer's notes): both sides' edits against the last agreed
// text are replayed together, so a CRM edit lands in the book as a text diff instead of replacing
// what reps typed meanwhile. The model's Myers diff is internal to @crm-sync/model, and lib0's
// simpleDiffString only strips a common prefix and suffix, so a small diff lives here.

interface Edit {
  /** Range [from, to) of the base, replaced by `insert`. */
  from: number
  to: number
  insert: string[]
}

const MAX_D = 2000

/** Edits turning a into b, ascending, non-overlapping; indexes into a (code points). */
export function diffChars(a: readonly string[], b: readonly string[]): Edit[] {
  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start++
  let ea = a.length
  let eb = b.length
  while (ea > start && eb > start && a[ea - 1] === b[eb - 1]) {
    ea--
    eb--
  }
  if (start === ea && start === eb) return []
  const ops = myers(a.slice(start, ea), b.slice(start, eb))
  if (!ops) return [{ from: start, to: ea, insert: b.slice(start, eb) }]
  const edits: Edit[] = []
  let i = start
  let j = start
  let cur: Edit | null = null
  for (const op of ops) {
    if (op === '=') {
      if (cur) edits.push(cur)
      cur = null
      i++
      j++
    } else if (op === '-') {
      cur ??= { from: i, to: i, insert: [] }
      cur.to = ++i
    } else {
      cur ??= { from: i, to: i, insert: [] }
      cur.insert.push(b[j++] as string)
    }
  }
  if (cur) edits.push(cur)
  return edits
}

/** Myers' O(ND) shortest edit script, or null when the texts differ too much to bother. */
function myers(a: readonly string[], b: readonly string[]): Array<'=' | '-' | '+'> | null {
  const n = a.length
  const m = b.length
  const max = Math.min(n + m, MAX_D)
  const offset = max + 1
  const v = new Int32Array(2 * max + 3)
  const trace: Int32Array[] = []
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice())
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number))
        ? (v[offset + k + 1] as number)
        : (v[offset + k - 1] as number) + 1
      let y = x - k
      while (x < n && y < m && a[x] === b[y]) {
        x++
        y++
      }
      v[offset + k] = x
      if (x >= n && y >= m) return backtrack(trace, a.length, b.length, offset, d)
    }
  }
  return null
}

function backtrack(trace: Int32Array[], n: number, m: number, offset: number, dEnd: number): Array<'=' | '-' | '+'> {
  const ops: Array<'=' | '-' | '+'> = []
  let x = n
  let y = m
  for (let d = dEnd; d > 0; d--) {
    const v = trace[d] as Int32Array
    const k = x - y
    const prevK = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number)) ? k + 1 : k - 1
    const prevX = v[offset + prevK] as number
    const prevY = prevX - prevK
    while (x > prevX && y > prevY) {
      ops.push('=')
      x--
      y--
    }
    ops.push(x === prevX ? '+' : '-')
    x = prevX
    y = prevY
  }
  while (x > 0 && y > 0) {
    ops.push('=')
    x--
    y--
  }
  return ops.reverse()
}

export interface TextMergeResult {
  text: string
  /** False when both sides edited the same stretch: both versions were kept, the book's first. */
  clean: boolean
}

export function mergeText(base: string, ours: string, theirs: string): TextMergeResult {
  if (ours === theirs) return { text: ours, clean: true }
  if (ours === base) return { text: theirs, clean: true }
  if (theirs === base) return { text: ours, clean: true }
  const b = Array.from(base)
  const tagged = [
    ...diffChars(b, Array.from(ours)).map((e) => ({ ...e, side: 0 })),
    ...diffChars(b, Array.from(theirs)).map((e) => ({ ...e, side: 1 })),
  ].sort((x, y) => x.from - y.from || (x.to - x.from) - (y.to - y.from) || x.side - y.side)
  const out: string[] = []
  let clean = true
  let pos = 0
  for (let k = 0; k < tagged.length;) {
    const first = tagged[k] as Edit & { side: number }
    const from = first.from
    let to = first.to
    const cluster = [first]
    k++
    // An edit joins the cluster when it overlaps it, or inserts at the same point as it.
    while (k < tagged.length) {
      const e = tagged[k] as Edit & { side: number }
      const sameInsertPoint = e.from === e.to && from === to && e.from === from
      if (!(e.from < to || sameInsertPoint)) break
      cluster.push(e)
      to = Math.max(to, e.to)
      k++
    }
    out.push(...b.slice(pos, from))
    const render = (side: number): string => {
      const r: string[] = []
      let p = from
      for (const e of cluster) {
        if (e.side !== side) continue
        r.push(...b.slice(p, e.from), ...e.insert)
        p = e.to
      }
      r.push(...b.slice(p, to))
      return r.join('')
    }
    const sides = new Set(cluster.map((e) => e.side))
    if (sides.size === 2) {
      const mine = render(0)
      const yours = render(1)
      out.push(mine)
      if (mine !== yours) {
        clean = false
        out.push(yours)
      }
    } else out.push(render(first.side))
    pos = to
  }
  out.push(...b.slice(pos))
  return { text: out.join(''), clean }
}
