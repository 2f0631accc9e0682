// What one caller may see of the bridge's status: its own books, and the last error only when it
// has any (a round's error can name any book). The live endpoint is in bridge-endpoints.test.ts.
import { describe, expect, it } from 'vitest'
import { reportFor, type SyncStatusReport } from './sync-status-report'

const lag = { samples: 0, p50Ms: null, p95Ms: null, maxMs: null }
const report: SyncStatusReport = {
  running: true,
  crm: 'hubspot',
  books: ['north-territory', 'key-accounts'],
  consistency: { ratio: 1, linked: 0, consistent: 0, byKind: { company: { linked: 0, consistent: 0 }, contact: { linked: 0, consistent: 0 }, deal: { linked: 0, consistent: 0 } } },
  lag: { toCrm: lag, fromCrm: lag },
  queue: { changes: 0, outbox: 0 },
  errors: { total: 1, byKind: { round: 1 }, crmRetries: 0 },
  deadLetters: 0,
  attention: 0,
  conflicts: 0,
  lastPullAt: null,
  lastFullReconcileAt: null,
  lastError: 'book key-accounts: customer c-17 has no name',
}

describe('reportFor', () => {
  it('keeps only the books the caller is a member of, and the rest of the report as it is', () => {
    expect(reportFor(report, new Set(['key-accounts', 'bobs-book']))).toEqual({ ...report, books: ['key-accounts'] })
  })

  it('names no book and no error to a caller who is a member of no bridged book', () => {
    expect(reportFor(report, new Set(['bobs-book']))).toEqual({ ...report, books: [], lastError: null })
    expect(reportFor(report, new Set())).toMatchObject({ books: [], lastError: null })
  })
})
