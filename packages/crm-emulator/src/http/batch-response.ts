// HubSpot's BatchResponse envelope (status, results, startedAt, completedAt, and on partial
// failure numErrors + errors as StandardError) and the status code that goes with it.

export interface StandardError {
  status: 'error'
  category: string
  message: string
  context: Record<string, string[]>
  errors: Array<{ message: string }>
  links: Record<string, string>
}

export interface BatchResponse<T> {
  status: 'COMPLETE'
  results: T[]
  requestedAt: string
  startedAt: string
  completedAt: string
  numErrors?: number
  errors?: StandardError[]
}

export function batchResponse<T>(startedAt: string, completedAt: string, results: T[], errors: StandardError[] = []): BatchResponse<T> {
  return {
    status: 'COMPLETE',
    results,
    requestedAt: startedAt,
    startedAt,
    completedAt,
    ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
  }
}

/** 207 Multi-Status when some inputs failed, else the operation's success status. */
export const batchStatus = (errors: readonly StandardError[], ok: 200 | 201): 200 | 201 | 207 => (errors.length > 0 ? 207 : ok)

export function notFoundError(message: string, ids: string[]): StandardError {
  return { status: 'error', category: 'OBJECT_NOT_FOUND', message, context: { ids }, errors: [], links: {} }
}
