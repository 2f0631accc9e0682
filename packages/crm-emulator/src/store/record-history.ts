// The recently replaced versions of records, so search can see the CRM as HubSpot's search index
// does: "it may take a few moments for newly created or updated CRM objects to appear in search
// results" (HubSpot search guide, Limits). Reads by id and lists are not affected.
import type { CrmRecord } from './crm-record'

/** Versions replaced longer ago than this are forgotten; the longest search lag that can be modelled. */
export const MAX_SEARCH_LAG_MS = 600_000

interface Replaced {
  /** When the version stopped being current (ms). */
  readonly at: number
  /** The version before it; undefined for a creation. */
  readonly previous: CrmRecord | undefined
}

export class RecordHistory {
  /** `type:id` → replacements, oldest first. */
  private readonly replaced = new Map<string, Replaced[]>()
  private saves = 0

  /** Notes that `previous` (undefined: nothing) stopped being current at `at`. */
  saved(key: string, previous: CrmRecord | undefined, at: number): void {
    const list = (this.replaced.get(key) ?? []).filter((r) => r.at > at - MAX_SEARCH_LAG_MS)
    list.push({ at, previous })
    this.replaced.set(key, list)
    if (++this.saves % 4096 === 0) this.prune(at)
  }

  /** The version of `current` that was current at `cutoff`, or undefined when it did not exist yet. */
  asOf(key: string, current: CrmRecord, cutoff: number): CrmRecord | undefined {
    const list = this.replaced.get(key)
    if (!list) return current
    // The first replacement after the cutoff replaced the version the cutoff saw.
    const first = list.find((r) => r.at > cutoff)
    return first ? first.previous : current
  }

  /** Forgets replacements older than the longest lag (bounded memory under steady writes). */
  prune(now: number): void {
    for (const [key, list] of this.replaced) {
      const kept = list.filter((r) => r.at > now - MAX_SEARCH_LAG_MS)
      if (kept.length === 0) this.replaced.delete(key)
      else if (kept.length !== list.length) this.replaced.set(key, kept)
    }
  }

  clear(): void {
    this.replaced.clear()
  }
}
