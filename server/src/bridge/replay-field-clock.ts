// When (and by whom) a book field last changed, read from the relay's update log: the CRDT side's
// time for "the later change wins". A shadow copy of each book is rebuilt from the log and every
// logged update is applied to it with its (at, userId), so Yjs' own events say which fields it touched.
import * as Y from 'yjs'
import type { DocStore } from '../store/doc-store'
import type { BridgeKind } from './field-map'
import type { SideChange } from './record-merge'

export interface CrdtFieldClock {
  /** Reads the log entries of the book appended since the last call. */
  catchUp(bookId: string): Promise<void>
  /** The last logged change of a field (or of the whole record, when it was created). */
  lastChange(bookId: string, kind: BridgeKind, crdtId: string, field: string): SideChange | null
}

/** For a bridge without access to the relay's store: no CRDT times (ties go to the CRM). */
export const NO_FIELD_CLOCK: CrdtFieldClock = { catchUp: async () => {}, lastChange: () => null }

interface Shadow {
  doc: Y.Doc
  seq: number
  changes: Map<string, SideChange>
}

const PAGE = 500

export function createLogFieldClock(store: DocStore): CrdtFieldClock {
  const shadows = new Map<string, Shadow>()
  const busy = new Map<string, Promise<void>>()

  const record = (shadow: Shadow, key: string, change: SideChange) => {
    const prev = shadow.changes.get(key)
    if (!prev || prev.at <= change.at) shadow.changes.set(key, change)
  }

  const attribute = (shadow: Shadow, events: Array<Y.YEvent<Y.AbstractType<unknown>>>, change: SideChange) => {
    for (const event of events) {
      const path = event.path.map(String)
      const keys = event instanceof Y.YMapEvent ? [...event.keysChanged] : []
      const [cid, sub, childId] = path
      if (path.length === 0) {
        for (const k of keys) record(shadow, `company:${k}:*`, change)
      } else if (path.length === 1 && cid) {
        for (const k of keys) {
          if (k === 'contacts' || k === 'deals') continue
          record(shadow, `company:${cid}:${k === 'address' ? 'address.*' : k}`, change)
        }
      } else if (cid && sub === 'address') {
        for (const k of keys) record(shadow, `company:${cid}:address.${k}`, change)
      } else if (cid && (sub === 'notes' || sub === 'tags')) {
        record(shadow, `company:${cid}:${sub}`, change)
      } else if (cid && (sub === 'contacts' || sub === 'deals')) {
        const kind = sub === 'contacts' ? 'contact' : 'deal'
        if (path.length === 2) for (const k of keys) record(shadow, `${kind}:${k}:*`, change)
        else if (childId) for (const k of keys) record(shadow, `${kind}:${childId}:${k}`, change)
      }
    }
  }

  const open = async (bookId: string): Promise<Shadow> => {
    const loaded = await store.load(bookId)
    const shadow: Shadow = { doc: new Y.Doc({ gc: true }), seq: loaded.snapshotSeq, changes: new Map() }
    shadow.doc.getMap('customers').observeDeep((events, tx) => {
      const origin = tx.origin as SideChange | null
      if (origin && typeof origin.at === 'number') attribute(shadow, events, origin)
    })
    if (loaded.snapshot) Y.applyUpdate(shadow.doc, loaded.snapshot, null)
    shadows.set(bookId, shadow)
    return shadow
  }

  const catchUp = async (bookId: string): Promise<void> => {
    const shadow = shadows.get(bookId) ?? (await open(bookId))
    for (;;) {
      const entries = await store.readSince(bookId, shadow.seq, PAGE)
      for (const e of entries) {
        // A log pruned past our position is a gap: times before it are simply unknown.
        Y.applyUpdate(shadow.doc, e.update, { at: e.at, by: e.userId } satisfies SideChange)
        shadow.seq = e.seq
      }
      if (entries.length < PAGE) return
    }
  }

  return {
    catchUp(bookId) {
      // One catch-up per book at a time; callers arriving meanwhile wait for the same one.
      const running = busy.get(bookId)
      if (running) return running.then(() => catchUp(bookId))
      const p = catchUp(bookId).finally(() => busy.delete(bookId))
      busy.set(bookId, p)
      return p
    },
    lastChange(bookId, kind, crdtId, field) {
      const shadow = shadows.get(bookId)
      if (!shadow) return null
      const candidates = [
        shadow.changes.get(`${kind}:${crdtId}:${field}`),
        shadow.changes.get(`${kind}:${crdtId}:*`),
        field.startsWith('address.') ? shadow.changes.get(`${kind}:${crdtId}:address.*`) : undefined,
      ].filter((c): c is SideChange => c !== undefined)
      return candidates.reduce<SideChange | null>((a, c) => (!a || c.at > a.at ? c : a), null)
    },
  }
}
