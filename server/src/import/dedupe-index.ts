// Finds the customer a row duplicates: exactly (same email, phone or website host) or fuzzily
// (same city, names at least `threshold` similar by nameSimilarity). Holds the book's customers and every row
// imported so far, so it catches duplicates within the file and against the book alike.
//
// Fuzzy candidates are blocked by city and the initials of the name's words, and each block
// keeps its latest MAX_BLOCK entries: comparing every pair would be quadratic in a 100,000-row
// file. Names whose initials differ are never compared; nameSimilarity, which scores word by
// word, would rate almost all of them below any useful threshold anyway (a missing or extra
// word, or a typo in a word's first letter, is the price).
import { EXACT_RULES, cityKey, exactKeys, nameKey, type DedupeRule, type ExactRule } from './dedupe-keys'
import { jaroWinklerBound, nameSimilarity, signature, type Signature } from './string-similarity'

export interface DedupeCandidate {
  readonly name?: string | undefined
  readonly email?: string | undefined
  readonly phone?: string | undefined
  readonly website?: string | undefined
  readonly address?: { readonly city?: string | undefined } | undefined
}

export interface DedupeMatch {
  readonly customerId: string
  readonly rule: DedupeRule
  readonly value: string
  /** Similarity, for the fuzzy rule. */
  readonly score?: number
}

const MAX_BLOCK = 128

interface BlockEntry {
  readonly id: string
  readonly name: Signature
}

export class DedupeIndex {
  private readonly exact: Record<ExactRule, Map<string, string>> = { email: new Map(), phone: new Map(), website: new Map() }
  private readonly blocks = new Map<string, { entries: BlockEntry[]; next: number }>()

  constructor(private readonly threshold: number) {}

  /**
   * Indexes a customer; the first customer to claim an exact key keeps it. `fuzzy: false` skips
   * the name index, for a customer whose name and city are indexed already.
   */
  add(customerId: string, c: DedupeCandidate, opts: { fuzzy?: boolean } = {}): void {
    for (const [rule, value] of exactKeys(c)) {
      const map = this.exact[rule]
      if (!map.has(value)) map.set(value, customerId)
    }
    if (opts.fuzzy === false) return
    const fuzzy = fuzzyKeys(c)
    if (!fuzzy) return
    const block = this.blocks.get(fuzzy.block)
    if (!block) {
      this.blocks.set(fuzzy.block, { entries: [{ id: customerId, name: signature(fuzzy.name) }], next: 1 })
      return
    }
    // A ring: once full, the newest entry replaces the oldest.
    block.entries[block.next % MAX_BLOCK] = { id: customerId, name: signature(fuzzy.name) }
    block.next++
  }

  /** Same email, else phone, else website host, as another customer than `self`. */
  findExact(c: DedupeCandidate, self?: string): DedupeMatch | undefined {
    const keys = new Map(exactKeys(c))
    for (const rule of EXACT_RULES) {
      const value = keys.get(rule)
      const id = value === undefined ? undefined : this.exact[rule].get(value)
      if (id !== undefined && id !== self && value !== undefined) return { customerId: id, rule, value }
    }
    return undefined
  }

  /** The most similar name in the same city, if at least `threshold` similar. */
  findFuzzy(c: DedupeCandidate, self?: string): DedupeMatch | undefined {
    const fuzzy = fuzzyKeys(c)
    if (!fuzzy) return undefined
    let best: DedupeMatch | undefined
    const name = signature(fuzzy.name)
    for (const entry of this.blocks.get(fuzzy.block)?.entries ?? []) {
      if (entry.id === self) continue
      if (jaroWinklerBound(entry.name, name) < this.threshold) continue
      const score = nameSimilarity(entry.name.text, fuzzy.name, this.threshold)
      if (score >= this.threshold && (!best || score > (best.score ?? 0))) {
        best = { customerId: entry.id, rule: 'name-city', value: `${c.name} / ${c.address?.city}`, score: Math.round(score * 1000) / 1000 }
      }
    }
    return best
  }
}

function fuzzyKeys(c: DedupeCandidate): { block: string; name: string } | undefined {
  if (!c.name || !c.address?.city) return undefined
  const name = nameKey(c.name)
  const city = cityKey(c.address.city)
  if (name === '' || city === '') return undefined
  const initials = name.split(' ').map((w) => w[0]).join('')
  return { block: `${city}|${initials}`, name }
}
