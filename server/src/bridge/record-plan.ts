// Decides, for one paired record, what each side must receive: archive state first (archived on
// one side archives the other; un-archiving in the book recreates the CRM record), then the field
// merge, then validation of whatever would be pushed. Pure apart from reading the book document.
import type * as Y from 'yjs'
import { readBookRecord, type BookWrite } from './book-records'
import type { AttentionIssue } from './bridge-state-store'
import type { CrmPropertyInput } from './crm-adapter'
import { BOOK_ID_PROPERTY, RECORD_ID_PROPERTY } from './field-map'
import { mergeRecord, type BaseField, type FieldConflict, type MergeResult } from './record-merge'
import type { Pair } from './record-pairing'
import type { ReconcileDeps } from './reconcile-deps'
import { validateForPush } from './record-validation'

export interface RecordPlan {
  readonly pair: Pair
  readonly book?: BookWrite
  /** update: by the CRM id (claims included); upsert: by crdt_record_id (creates when missing). */
  readonly crm?: { readonly mode: 'update' | 'upsert'; readonly properties: CrmPropertyInput }
  readonly crmArchive?: string
  /** Contacts and deals: the company to associate the CRM record with. */
  readonly associateTo?: string
  readonly agreed: Record<string, BaseField>
  readonly archived: boolean
  readonly conflicts: readonly FieldConflict[]
  readonly attention: readonly AttentionIssue[]
  /** False: nothing may be remembered as agreed (e.g. a never-linked record held back by validation). */
  readonly persist: boolean
}

export function planRecord(deps: ReconcileDeps, pair: Pair, doc: Y.Doc, parentCrmId: string | null): RecordPlan | 'defer' | null {
  const { kind, crdtId, bookId, parentId, state, crm } = pair
  const fields = deps.map[kind]
  const bookRec = readBookRecord(doc, { kind, crdtId, parentId })
  const linked = !!state?.base
  const bookArchived = kind === 'company' ? bookRec?.archived === true : bookRec === null && linked
  const baseArchived = state?.archived ?? false
  const ref = { kind, crdtId, parentId }
  const empty = { agreed: (state?.base ?? {}) as Record<string, BaseField>, conflicts: [], attention: [], persist: true }

  if (!bookRec && !crm) {
    // Gone on both sides (or a state left over from a record neither side has): remember it archived.
    return state && !baseArchived ? { pair, ...empty, archived: true } : null
  }
  if (!baseArchived) {
    if (bookArchived && !crm) return { pair, ...empty, archived: true }
    if (bookArchived && crm) return { pair, ...empty, crmArchive: crm.id, archived: true }
    if (pair.crmGone && bookRec) return { pair, ...empty, book: { ref, archived: true }, archived: true }
  } else {
    if (bookArchived && !crm) return null
    // A CRM record restored while archived in the book: bring the book record back.
    if (bookArchived && crm && kind === 'company') {
      const merged = merge(deps, pair, bookRec?.values ?? null)
      return finish(deps, pair, merged, { ref, archived: false, patch: merged.bookPatch }, parentCrmId, false)
    }
  }

  const merged = merge(deps, pair, bookRec?.values ?? null, baseArchived && !crm)
  const hasBook = Object.keys(merged.bookPatch).length > 0
  const book: BookWrite | undefined = !bookRec
    ? { ref, create: merged.bookPatch, ...(crm ? { createdAt: Date.parse(crm.properties['createdate'] ?? '') || crm.modifiedAt } : {}) }
    : hasBook || (kind === 'company' && bookRec.archived) ? { ref, patch: merged.bookPatch, ...(kind === 'company' && bookRec.archived ? { archived: false } : {}) } : undefined
  return finish(deps, pair, merged, book, parentCrmId, !bookRec)
}

function merge(deps: ReconcileDeps, pair: Pair, book: Record<string, string | null> | null, forgetBase = false): MergeResult {
  const { kind, crdtId, bookId, state, crm } = pair
  return mergeRecord({
    fields: deps.map[kind],
    base: forgetBase ? null : (state?.base ?? null),
    book: book ? { ...book } : null,
    crm: crm?.properties ?? null,
    bookChange: (field) => deps.clock.lastChange(bookId, kind, crdtId, field),
    crmChange: crm ? { at: crm.modifiedAt, by: 'crm' } : null,
  })
}

function finish(
  deps: ReconcileDeps, pair: Pair, merged: MergeResult, book: BookWrite | undefined, parentCrmId: string | null, bookIsNew: boolean,
): RecordPlan | 'defer' {
  const { kind, crdtId, bookId, state, crm } = pair
  const properties: CrmPropertyInput = { ...merged.crmPatch }
  if (pair.claim || !crm) properties[RECORD_ID_PROPERTY] = crdtId
  if (kind === 'company' && crm?.properties[BOOK_ID_PROPERTY] !== bookId) properties[BOOK_ID_PROPERTY] = bookId
  const writeCrm = !crm || Object.keys(properties).length > 0
  const needsLink = kind !== 'company' && (!crm || !state?.base || state.parentCrmId !== parentCrmId)
  if (needsLink && !parentCrmId) return 'defer' // the company is not in the CRM yet; its own push comes first

  let attention: AttentionIssue[] = []
  let agreed = merged.agreed
  if (writeCrm) {
    const pushed = new Set(deps.map[kind].filter((m) => m.property in merged.crmPatch).map((m) => m.field))
    if (pushed.size > 0 && !bookIsNew) {
      const values = Object.fromEntries(deps.map[kind].map((m) => [m.field, merged.agreed[m.field]?.book ?? null]))
      attention = validateForPush(kind, values, pushed)
    }
    if (attention.length > 0) {
      // Held back: pushed fields keep their old base, so they still count as changed in the book next time.
      agreed = { ...merged.agreed }
      for (const f of pushed) {
        const old = state?.base?.[f]
        if (old) agreed[f] = old
        else delete agreed[f]
      }
    }
  }
  const held = attention.length > 0
  return {
    pair,
    ...(book ? { book } : {}),
    ...(writeCrm && !held ? { crm: { mode: crm ? 'update' : 'upsert', properties } as const } : {}),
    ...(needsLink && parentCrmId && (crm || !held) ? { associateTo: parentCrmId } : {}),
    agreed,
    archived: false,
    conflicts: held ? [] : merged.conflicts,
    attention,
    persist: !held || !!crm,
  }
}
