// The gate every row passes: mapping problems, cleaning, then the model's validateCustomer
// (which normalises email, phone, website and country). A row with any issue is rejected
// whole; nothing of it is written.
import { validateCustomer, type ValidCustomer } from '@crm-sync/model'
import type { MappedRecord } from './apply-mapping'
import { cleanInput } from './clean-record'
import type { RejectedIssue, RowIssue } from './row-issue'

export interface ValidRow {
  readonly row: number
  readonly customer: ValidCustomer
  /** The source system's key, when the mapping names one and the row has it. */
  readonly key: string | undefined
}

export type CheckedRow = { ok: true; value: ValidRow } | { ok: false; row: number; issues: RejectedIssue[] }

export interface RowCheckOptions {
  readonly defaultRegion: string
  readonly nullValues: readonly string[]
  /** The source column of a customer field, for the report. */
  readonly columnOf: (field: string) => string | undefined
}

/** Customer ids in the book contract: UUIDs (v7 from devices, v5 from imports) or ULIDs. */
const CUSTOMER_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9A-HJKMNP-TV-Z]{26})$/i

export function checkRow(row: number, mapped: MappedRecord, o: RowCheckOptions): CheckedRow {
  const input = cleanInput(mapped.input, o.nullValues)
  const issues: RowIssue[] = [...mapped.issues]
  const result = validateCustomer(input, { defaultRegion: o.defaultRegion })
  if (!result.ok) {
    for (const issue of result.issues) {
      // A field whose transform failed is reported once, by the mapping step.
      if (!issues.some((i) => i.field === issue.field)) issues.push({ ...issue, column: o.columnOf(issue.field) })
    }
  }
  const id = input['id']
  if (typeof id === 'string' && !CUSTOMER_ID.test(id)) {
    issues.push({ field: 'id', column: o.columnOf('id'), value: id, reason: 'a customer id must be a UUID or ULID; map a source system\'s own ids as "key" instead' })
  }
  if (issues.length > 0 || !result.ok) {
    return { ok: false, row, issues: issues.map((i) => ({ row, ...i, value: i.value ?? null, column: i.column ?? o.columnOf(i.field) })) }
  }
  const customer = result.value
  // Notes are a Y.Text that people edit; like the PATCH schema, keep them as written.
  if (typeof input['notes'] === 'string') customer.notes = input['notes']
  return { ok: true, value: { row, customer, key: mapped.key } }
}
