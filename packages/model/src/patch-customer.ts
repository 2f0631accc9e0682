// Applying a partial update to a customer in one transaction, touching only what changes: a
// no-op patch produces no Yjs update, and a field-level change never overwrites its siblings.
import * as Y from 'yjs'
import { getCustomerMap, isYMap, nested, writeKey } from './customer-map'
import type { CustomerPatch } from './customer-patch-schema'
import { ADDRESS_FIELDS, CUSTOMER_SCALAR_FIELDS } from './customer-schema'
import { replaceText, notesText } from './notes'
import { checkScalar } from './set-customer-field'
import { cleanTags, replaceTags, tagsArray } from './tags'

/**
 * `patch` is usually the output of customerPatchSchema: absent keys are left alone, null or ''
 * clears, `address: null` clears every address field, tags and notes replace the whole value
 * (applied as minimal diffs). Returns whether anything changed.
 */
export function patchCustomer(doc: Y.Doc, customerId: string, patch: CustomerPatch, origin?: unknown): boolean {
  const customer = getCustomerMap(doc, customerId)
  for (const field of CUSTOMER_SCALAR_FIELDS) {
    if (patch[field] !== undefined) checkScalar(field, patch[field])
  }
  if (!needsWrite(customer, patch)) return false
  let changed = false
  doc.transact(() => {
    for (const field of CUSTOMER_SCALAR_FIELDS) {
      const value = patch[field]
      if (value === undefined) continue
      changed = writeKey(customer, field, field === 'archived' && value === null ? false : value) || changed
    }
    if (patch.address !== undefined) {
      const address = nested(customer, 'address', () => new Y.Map<unknown>(), isYMap)
      for (const field of ADDRESS_FIELDS) {
        const value = patch.address === null ? null : patch.address[field]
        if (value !== undefined) changed = writeKey(address, field, value) || changed
      }
    }
    if (patch.tags !== undefined) changed = replaceTags(tagsArray(customer), patch.tags) || changed
    if (patch.notes !== undefined) changed = replaceText(notesText(customer), patch.notes) || changed
  }, origin)
  return changed
}

/**
 * Whether applying the patch would change anything. Checked before opening the transaction
 * because even a transaction that only creates a missing (empty) collection emits an update.
 */
function needsWrite(customer: Y.Map<unknown>, patch: CustomerPatch): boolean {
  for (const field of CUSTOMER_SCALAR_FIELDS) {
    const value = patch[field]
    if (value === undefined) continue
    const target = field === 'archived' && value === null ? false : value
    if (!sameValue(customer.get(field), target)) return true
  }
  if (patch.address !== undefined) {
    const address = customer.get('address')
    for (const field of ADDRESS_FIELDS) {
      const value = patch.address === null ? null : patch.address[field]
      if (value === undefined) continue
      const current = isYMap(address) ? address.get(field) : undefined
      if (!sameValue(current, value)) return true
    }
  }
  if (patch.tags !== undefined) {
    const tags = customer.get('tags')
    const current = tags instanceof Y.Array ? tags.toArray() : []
    if (!sameList(current, cleanTags(patch.tags))) return true
  }
  if (patch.notes !== undefined) {
    const notes = customer.get('notes')
    if ((notes instanceof Y.Text ? notes.toString() : '') !== patch.notes) return true
  }
  return false
}

const blank = (v: unknown) => v === undefined || v === null || v === ''
const sameValue = (current: unknown, next: unknown) => (blank(next) ? current === undefined : current === next)

function sameList(current: readonly unknown[], next: readonly string[]): boolean {
  return current.length === next.length && current.every((v, i) => v === next[i])
}
