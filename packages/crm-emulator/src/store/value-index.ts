// Which records of one object type hold a given value of a property, for the look-ups by a unique
// property (`idProperty` reads, updates and upserts, unique-value checks on every write). Without
// it each look-up scanned every record: O(records) per record written, O(n²) for a bulk sync.
// A property is indexed on its first look-up and kept up to date on every save from then on.
import type { CrmRecord } from './crm-record'

export class ValueIndex {
  /** property → value → ids of the records (live or archived) holding it. */
  private readonly byProperty = new Map<string, Map<string, Set<string>>>()

  /** Ids of the records whose `property` is `value`; `all` lists every record to index it the first time. */
  ids(property: string, value: string, all: () => Iterable<CrmRecord>): ReadonlySet<string> | undefined {
    let index = this.byProperty.get(property)
    if (!index) {
      index = new Map()
      for (const record of all()) add(index, record.properties[property], record.id)
      this.byProperty.set(property, index)
    }
    return index.get(value)
  }

  /** Keeps every indexed property in step with a record written over `previous`. */
  saved(previous: CrmRecord | undefined, record: CrmRecord): void {
    for (const [property, index] of this.byProperty) {
      const before = previous?.properties[property]
      const after = record.properties[property]
      if (before === after) continue
      if (before !== undefined) {
        const ids = index.get(before)
        ids?.delete(record.id)
        if (ids?.size === 0) index.delete(before)
      }
      add(index, after, record.id)
    }
  }

  clear(): void {
    this.byProperty.clear()
  }
}

const add = (index: Map<string, Set<string>>, value: string | undefined, id: string): void => {
  if (value === undefined) return
  const ids = index.get(value)
  if (ids) ids.add(id)
  else index.set(value, new Set([id]))
}
