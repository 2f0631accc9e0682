// The gate before a push: book values are checked with the model's own validation, and a record
// whose pushed fields fail (an invalid email, say) is held back for a person to fix instead of
// being sent to the system of record.
import { validateCustomer } from '@crm-sync/model'
import type { AttentionIssue } from './bridge-state-store'
import type { BridgeKind } from './field-map'
import type { BookValues } from './record-merge'

function asCustomer(values: BookValues): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const address: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(values)) {
    if (v === null) continue
    if (k.startsWith('address.')) address[k.slice(8)] = v
    else if (k === 'tags') out[k] = v.split(';')
    else out[k] = v
  }
  if (Object.keys(address).length > 0) out['address'] = address
  return out
}

/** Issues among `fields` (book field names) of the record; an issue with the whole record always counts. */
export function validateForPush(kind: BridgeKind, values: BookValues, fields: ReadonlySet<string>, region?: string): AttentionIssue[] {
  let input: Record<string, unknown>
  let prefix = ''
  if (kind === 'company') input = asCustomer(values)
  else {
    const record: Record<string, unknown> = { id: 'x' }
    for (const [k, v] of Object.entries(values)) {
      if (v === null) continue
      record[k] = kind === 'deal' && k === 'amount' ? Number(v) : v
    }
    input = { name: 'x', ...(region ? { address: { country: region } } : {}), [kind === 'contact' ? 'contacts' : 'deals']: [record] }
    prefix = kind === 'contact' ? 'contacts.0' : 'deals.0'
  }
  const result = validateCustomer(input)
  if (result.ok) return []
  const issues: AttentionIssue[] = []
  for (const i of result.issues) {
    let field = i.field
    if (prefix) {
      if (field !== prefix && !field.startsWith(`${prefix}.`)) continue
      field = field === prefix ? '' : field.slice(prefix.length + 1)
    }
    if (field === '' || fields.has(field) || (kind === 'company' && field === 'name')) {
      issues.push({ field, value: i.value, reason: i.reason })
    }
  }
  return issues
}
