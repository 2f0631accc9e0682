// One reason a row was rejected, as the report lists it: the row, the customer field, the
// source column it came from (when known), the offending value and why.

export interface RowIssue {
  /** Customer field ("email", "address.country", "contacts.0.phone"), or '' for the whole row. */
  readonly field: string
  readonly column?: string | undefined
  readonly value: unknown
  readonly reason: string
}

export interface RejectedIssue extends RowIssue {
  readonly row: number
}
