// Three-way merge of plain text (a customer's notes): both sides' edits against the last agreed
// text are replayed together, so a CRM edit lands in the book as a text diff instead of replacing
// what reps typed meanwhile. The diff is the model's (Myers, by code point).
import { diffSequences } from '@crm-sync/model'

interface Edit {
  /** Range [from, to) of the base, replaced by `insert`. */
  from: number
  to: number
  insert: string[]
}

/** Edits turning a into b, ascending, non-overlapping; indexes into a (code points). */
export function diffChars(a: readonly string[], b: readonly string[]): Edit[] {
  return diffSequences(a, b).map((e) => ({ from: e.index, to: e.index + e.deleteCount, insert: e.insert }))
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
