// Puts the two sides of each record together before a merge: from a book id it finds the CRM
// record (by crdt_record_id, else by the remembered CRM id), from a CRM record it finds the book
// record (by crdt_record_id, the id map, or a new derived id in the book the rules name).
import { customersMap } from '@crm-sync/model'
import { perCall } from './batch-runner'
import { assignBook } from './book-assignment'
import { findParent } from './book-records'
import type { RecordState } from './bridge-state-store'
import type { CrmObject } from './crm-adapter'
import { bookIdForCrmRecord } from './deterministic-id'
import { CRM_TYPE, RECORD_ID_PROPERTY, propertiesToRead, type BridgeKind } from './field-map'
import type { ReconcileDeps, ReconcileItem } from './reconcile-deps'

export interface Pair {
  readonly kind: BridgeKind
  readonly crdtId: string
  readonly bookId: string
  readonly parentId: string | null
  readonly state: RecordState | undefined
  /** The live CRM record, or null when there is none. */
  readonly crm: CrmObject | null
  /** It was linked to a CRM record that is no longer live (archived or deleted in the CRM). */
  readonly crmGone: boolean
  /** The CRM record does not carry this crdt_record_id yet (made in the CRM): write it by CRM id. */
  readonly claim: boolean
  readonly since: number | undefined
}

interface Draft {
  crdtId?: string
  bookId?: string
  parentId?: string | null
  crm?: CrmObject | null
  crmId?: string
  since?: number
}

export async function pairItems(deps: ReconcileDeps, kind: BridgeKind, items: readonly ReconcileItem[]): Promise<Pair[]> {
  const type = CRM_TYPE[kind]
  const props = propertiesToRead(deps.map, kind)
  const crmIds = [...new Set(items.flatMap((i) => [i.crm?.id, i.crmId]).filter((x): x is string => !!x))]
  const byCrmId = await deps.state.getRecordsByCrmId(kind, crmIds)

  // 1. One draft per record, keyed by book id where known, else by CRM id.
  const drafts = new Map<string, Draft>()
  const keyOf = (d: Draft) => (d.crdtId ? `b:${d.crdtId}` : `c:${d.crm?.id ?? d.crmId}`)
  const add = (d: Draft) => {
    const key = keyOf(d)
    const prev = drafts.get(key)
    drafts.set(key, prev ? {
      ...prev, ...Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)),
      since: Math.min(prev.since ?? Infinity, d.since ?? Infinity),
    } : d)
  }
  for (const i of items) {
    const crmId = i.crm?.id ?? i.crmId
    const linked = crmId ? byCrmId.get(crmId) : undefined
    const crdtId = i.crdtId ?? i.crm?.properties[RECORD_ID_PROPERTY] ?? linked?.crdtId
    if (!crdtId && !i.crm) continue // a CRM id nobody knows: nothing to do
    add({
      ...(crdtId ? { crdtId } : {}),
      ...(i.bookId ? { bookId: i.bookId } : {}),
      ...(i.parentId !== undefined ? { parentId: i.parentId } : {}),
      ...(i.crm ? { crm: i.crm } : {}),
      ...(crmId ? { crmId } : {}),
      ...(i.since !== undefined ? { since: i.since } : {}),
    })
  }

  const withIds = [...drafts.values()].filter((d) => d.crdtId)
  // The states found by CRM id are rows of the same table: only the others are read again.
  const states = new Map<string, RecordState>()
  for (const s of byCrmId.values()) states.set(s.crdtId, s)
  const unread = withIds.map((d) => d.crdtId as string).filter((id) => !states.has(id))
  for (const [id, s] of await deps.state.getRecords(kind, unread)) states.set(id, s)

  // 2. Read the CRM side of records that came from the book (or from a bare CRM id).
  const need = withIds.filter((d) => d.crm === undefined)
  if (need.length > 0) {
    const found = (await perCall(need, (part) =>
      deps.crm.readBatch(type, part.map((d) => d.crdtId as string), { idProperty: RECORD_ID_PROPERTY, properties: props }))).flat()
    const byKey = new Map(found.map((o) => [o.properties[RECORD_ID_PROPERTY], o]))
    for (const d of need) d.crm = byKey.get(d.crdtId) ?? null
    // Linked by CRM id but not (yet) carrying our id: a CRM-made record whose claim did not land.
    const byId = need.filter((d) => d.crm === null && (states.get(d.crdtId as string)?.crmId ?? d.crmId))
    if (byId.length > 0) {
      const live = (await perCall(byId, (part) =>
        deps.crm.readBatch(type, part.map((d) => (states.get(d.crdtId as string)?.crmId ?? d.crmId) as string), { properties: props }))).flat()
      const liveById = new Map(live.map((o) => [o.id, o]))
      for (const d of byId) d.crm = liveById.get((states.get(d.crdtId as string)?.crmId ?? d.crmId) as string) ?? null
    }
  }

  // 3. CRM-made records: a derived book id, and a book (companies by rule, children by their company).
  const fresh = [...drafts.values()].filter((d) => !d.crdtId && d.crm)
  if (fresh.length > 0) {
    if (kind === 'company') {
      for (const d of fresh) {
        const crm = d.crm as CrmObject
        d.crdtId = bookIdForCrmRecord(deps.portal, type, crm.id, Date.parse(crm.properties['createdate'] ?? '') || crm.modifiedAt)
        d.bookId = assignBook(crm.properties, deps.rules, (b) => deps.books.reachable(b))
      }
    } else {
      const links = new Map((await perCall(fresh, (part) =>
        deps.crm.readAssociations(type, 'companies', part.map((d) => (d.crm as CrmObject).id)))).flatMap((m) => [...m]))
      const companyIds = [...new Set([...links.values()].flat())]
      const companies = await deps.state.getRecordsByCrmId('company', companyIds)
      for (const d of fresh) {
        const crm = d.crm as CrmObject
        const parent = (links.get(crm.id) ?? []).map((id) => companies.get(id)).find((s) => s && !s.archived)
        if (!parent) continue // not under any company the books hold
        d.crdtId = bookIdForCrmRecord(deps.portal, type, crm.id, Date.parse(crm.properties['createdate'] ?? '') || crm.modifiedAt)
        d.bookId = parent.bookId
        d.parentId = parent.crdtId
      }
    }
    const moreStates = await deps.state.getRecords(kind, fresh.filter((d) => d.crdtId).map((d) => d.crdtId as string))
    for (const [id, s] of moreStates) states.set(id, s)
  }

  // 4. Book and parent for records known by id only.
  const pairs: Pair[] = []
  for (const d of drafts.values()) {
    if (!d.crdtId) continue
    const state = states.get(d.crdtId)
    let bookId = d.bookId ?? state?.bookId
    let parentId = kind === 'company' ? null : (d.parentId ?? state?.parentId ?? null)
    if (!bookId || (kind !== 'company' && !parentId)) {
      const located = await locate(deps, kind, d.crdtId)
      bookId ??= located?.bookId
      parentId ??= located?.parentId ?? null
    }
    if (!bookId && kind === 'company' && d.crm) bookId = assignBook(d.crm.properties, deps.rules, (b) => deps.books.reachable(b))
    if (!bookId || !deps.books.reachable(bookId) || (kind !== 'company' && !parentId)) continue
    const crm = d.crm ?? null
    pairs.push({
      kind, crdtId: d.crdtId, bookId, parentId, state, crm,
      crmGone: crm === null && !!(state?.crmId ?? d.crmId) && !!state,
      claim: crm !== null && crm.properties[RECORD_ID_PROPERTY] !== d.crdtId,
      since: d.since === undefined || !Number.isFinite(d.since) ? undefined : d.since,
    })
  }
  return pairs
}

/** Finds which book (and customer) holds a record the state does not know. */
async function locate(deps: ReconcileDeps, kind: BridgeKind, crdtId: string): Promise<{ bookId: string; parentId: string | null } | null> {
  for (const bookId of deps.books.reachableBooks()) {
    const doc = await deps.books.doc(bookId)
    if (kind === 'company') {
      if (customersMap(doc).has(crdtId)) return { bookId, parentId: null }
    } else {
      const parentId = findParent(doc, kind, crdtId)
      if (parentId) return { bookId, parentId }
    }
  }
  return null
}
