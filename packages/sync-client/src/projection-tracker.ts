// Which customers changed since the projection was last written, from the document's own events
// (observeDeep on the customers map), so a projection write reads and stores only those. Changes
// applied from the LocalStore at load are already in the stored projection and are skipped;
// whether that projection can be trusted is decided once the load is done (`loaded`).
import { customersMap, readCustomer, readCustomers } from '@crm-sync/model'
import * as Y from 'yjs'
import type { ProjectionChange, StaleMarks, StoredProjection } from './local-store'
import { sameStateVector } from './state-vector'

export interface ProjectionTrackerOptions {
  /** Origins of transactions the stored projection already reflects (the load from the store). */
  readonly skipOrigin: (origin: unknown) => boolean
  /** Called when a customer changed (the first time since the last projection write). */
  readonly changed: () => void
}

export class ProjectionTracker {
  private readonly customers: Y.Map<Y.Map<unknown>>
  /** Changed since the last projection write. */
  private dirty = new Set<string>()
  /** Of those, the ids the store already marks stale. */
  private marked = new Set<string>()
  /** The stored projection cannot be patched: the next write replaces it. */
  private rebuild = false
  private ready = false

  constructor(private readonly doc: Y.Doc, private readonly o: ProjectionTrackerOptions) {
    this.customers = customersMap(doc)
    this.customers.observeDeep(this.onChange)
  }

  /**
   * The stored state is applied. A projection is patched from here on only if it describes
   * exactly this document (same state vector, no rebuild flag); its stale entries are rewritten.
   */
  loaded(stored: StoredProjection | null): void {
    this.ready = true
    if (!stored || stored.needsRebuild || !sameStateVector(stored.stateVector, Y.encodeStateVector(this.doc))) this.rebuild = true
    else for (const id of stored.stale) this.dirty.add(id)
    if (this.hasChanges) this.o.changed()
  }

  /** Whether a projection write would change anything. */
  get hasChanges(): boolean {
    return this.ready && ((this.rebuild && !this.empty) || this.dirty.size > 0)
  }

  /**
   * The document holds nothing yet (a fresh device before its first sync). Its projection is not
   * written: it would show nothing early, and would make the next open look like a device with
   * something stored, which then does not fetch the relay's list (server-projection.ts).
   */
  private get empty(): boolean {
    return this.doc.store.clients.size === 0
  }

  /**
   * What a batch writes to the projection, read from the document now (so it matches the updates
   * queued so far): `full` rewrites every changed customer (or the whole projection); otherwise
   * the changed customers are only marked stale, cheaply, until the next full write.
   * Null when there is nothing to write: before the load is done (the projection is then still
   * unknown), while only a rebuild can make the stored one right again, and for an empty document.
   */
  take(full: boolean): ProjectionChange | null {
    if (!this.ready || (this.rebuild && (!full || this.empty))) return null
    const stateVector = Y.encodeStateVector(this.doc)
    if (this.rebuild) {
      this.rebuild = false
      this.dirty = new Set()
      this.marked = new Set()
      return { put: readCustomers(this.doc, { includeArchived: true }), remove: [], stale: [], replace: true, stateVector }
    }
    if (!full) {
      const stale = [...this.dirty].filter((id) => !this.marked.has(id))
      for (const id of stale) this.marked.add(id)
      return { put: [], remove: [], stale, replace: false, stateVector }
    }
    const put = []
    const remove = []
    for (const id of this.dirty) {
      const customer = readCustomer(this.doc, id)
      if (customer) put.push(customer)
      else remove.push(id)
    }
    this.dirty = new Set()
    this.marked = new Set()
    return { put, remove, stale: [], replace: false, stateVector }
  }

  /**
   * Marks for a batch that cannot wait to read the stored projection (LocalBatch.staleMarks): the
   * customers changed since the projection was last rewritten, and `also`. The bookkeeping stays
   * as it is, so later batches mark or rewrite them as usual (marking twice changes nothing).
   */
  staleMarks(also: Iterable<string> = []): StaleMarks {
    const ids = new Set(this.dirty)
    for (const id of also) ids.add(id)
    // Not loaded yet, or to be rebuilt: the stored projection may lack more than these changes.
    return { ids: [...ids], stateVector: Y.encodeStateVector(this.doc), needsRebuild: !this.ready || this.rebuild }
  }

  /** A batch carrying `change` failed: what it wrote must be written again. */
  restore(change: ProjectionChange): void {
    if (change.replace) {
      this.rebuild = true
      return
    }
    for (const c of change.put) this.dirty.add(c.id)
    for (const id of change.remove) this.dirty.add(id)
    for (const id of change.stale) this.marked.delete(id)
  }

  dispose(): void {
    this.customers.unobserveDeep(this.onChange)
  }

  private readonly onChange = (events: Y.YEvent<Y.AbstractType<unknown>>[], tr: Y.Transaction): void => {
    if (this.o.skipOrigin(tr.origin)) return
    const before = this.dirty.size
    for (const event of events) {
      if (event instanceof Y.YMapEvent && event.target === this.customers) {
        for (const id of event.keysChanged) this.dirty.add(id)
      } else {
        const id = event.path[0]
        if (typeof id === 'string') this.dirty.add(id)
      }
    }
    if (before === 0 && this.dirty.size > 0 && this.ready) this.o.changed()
  }
}
