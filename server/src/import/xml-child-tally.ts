// While the XML splitter is inside a record: its direct children by name, so that a record
// too large to read can be recognised as a wrapper around the real records (`<customers>`
// under the root, holding `<customer>` after `<customer>`) without reading it whole.
import { LIST_FIELDS, LIST_ITEMS } from './wrapped-records'

/**
 * Counts the record-like direct children (with attributes or elements of their own) of an
 * open record by name. Memory: one count per distinct name, capped.
 */
export class XmlChildTally {
  private counts = new Map<string, number>()
  private children = 0
  private current: { name: string; recordLike: boolean } | undefined

  reset(): void {
    this.counts.clear()
    this.children = 0
    this.current = undefined
  }

  /** An opening tag `level` elements below the record (1: a direct child). */
  open(name: string, level: number, hasAttributes: boolean, selfClosing: boolean): void {
    if (level === 2 && this.current) this.current.recordLike = true
    if (level !== 1) return
    this.current = { name, recordLike: hasAttributes }
    if (selfClosing) this.close()
  }

  /** The direct child open now ends. */
  close(): void {
    const child = this.current
    this.current = undefined
    this.children++
    if (!child?.recordLike || (this.counts.size >= 64 && !this.counts.has(child.name))) return
    this.counts.set(child.name, (this.counts.get(child.name) ?? 0) + 1)
  }

  /** The name of a record-like child repeated as most of the record's children: the records, wrapped. */
  repeated(): string | undefined {
    let top: [string, number] | undefined
    for (const entry of this.counts) if (!top || entry[1] > top[1]) top = entry
    if (!top || top[1] < 2 || top[1] * 2 <= this.children || LIST_FIELDS.has(top[0]) || LIST_ITEMS.has(top[0])) return undefined
    return top[0]
  }
}
