// Jaro-Winkler similarity (0..1), the classic measure for short names with typos and
// transpositions, weighted towards a shared prefix. Written here because no string-similarity
// package is among our dependencies and the measure is twenty lines; see the tests for values.

/** Jaro-Winkler similarity of two strings; 1 means equal. */
export function jaroWinkler(a: string, b: string, prefixScale = 0.1): number {
  if (a === b) return 1
  if (a.length === 0 || b.length === 0) return 0
  const j = jaro(a, b)
  let prefix = 0
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++
  return j + prefix * prefixScale * (1 - j)
}

// Scratch flags reused across calls: dedupe compares millions of pairs in a large import, and
// two fresh arrays per pair made the garbage collector the bottleneck.
let aFlags = new Uint8Array(64)
let bFlags = new Uint8Array(64)

function jaro(a: string, b: string): number {
  if (a.length > aFlags.length || b.length > bFlags.length) {
    aFlags = new Uint8Array(Math.max(a.length, b.length) * 2)
    bFlags = new Uint8Array(aFlags.length)
  }
  aFlags.fill(0, 0, a.length)
  bFlags.fill(0, 0, b.length)
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1)
  let matches = 0
  for (let i = 0; i < a.length; i++) {
    const from = Math.max(0, i - window)
    const to = Math.min(b.length - 1, i + window)
    const ch = a.charCodeAt(i)
    for (let k = from; k <= to; k++) {
      if (bFlags[k] || ch !== b.charCodeAt(k)) continue
      aFlags[i] = 1
      bFlags[k] = 1
      matches++
      break
    }
  }
  if (matches === 0) return 0
  let transpositions = 0
  let k = 0
  for (let i = 0; i < a.length; i++) {
    if (!aFlags[i]) continue
    while (!bFlags[k]) k++
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++
    k++
  }
  return (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3
}

/** A string with its character counts (in 32 buckets), for the cheap upper bound below. */
export interface Signature {
  readonly text: string
  readonly counts: Uint8Array
}

export function signature(text: string): Signature {
  const counts = new Uint8Array(32)
  for (let i = 0; i < text.length; i++) {
    const bucket = text.charCodeAt(i) & 31
    if (counts[bucket]! < 255) counts[bucket]!++
  }
  return { text, counts }
}

/**
 * Upper bound of the Jaro-Winkler similarity without comparing positions: at most as many
 * characters can match as the two strings share (bucket collisions only raise the bound).
 * Dedupe skips every pair whose bound is below the threshold, which is most of them.
 */
export function jaroWinklerBound(a: Signature, b: Signature): number {
  const la = a.text.length
  const lb = b.text.length
  if (la === 0 || lb === 0) return 0
  let shared = 0
  for (let i = 0; i < 32; i++) shared += Math.min(a.counts[i]!, b.counts[i]!)
  const m = Math.min(shared, la, lb)
  if (m === 0) return 0
  const j = (m / la + m / lb + 1) / 3
  return j + 4 * 0.1 * (1 - j)
}

/**
 * Similarity of two company names (already folded by nameKey): the lower of Jaro-Winkler on
 * the whole name and the word-by-word score (each word's best Jaro-Winkler among the other
 * name's words, averaged, in the weaker direction; Monge-Elkan). The whole-name score alone
 * rates "woodgrove bank" / "woodgrove bakery" 0.95 because of the long shared prefix; the
 * word score (0.90) sees that one of two words differs.
 */
export function nameSimilarity(a: string, b: string, atLeast = 0): number {
  const whole = jaroWinkler(a, b)
  if (whole < atLeast) return whole
  const wa = a.split(' ')
  const wb = b.split(' ')
  return Math.min(whole, wordScore(wa, wb), wordScore(wb, wa))
}

function wordScore(from: readonly string[], to: readonly string[]): number {
  let sum = 0
  for (const w of from) {
    let best = 0
    for (const v of to) best = Math.max(best, jaroWinkler(w, v))
    sum += best
  }
  return sum / from.length
}
