// The import report (shape fixed in ARCHITECTURE.md: imported, updated, unchanged, rejected,
// duplicates, plus context) built row by row, and its CSV form. Counts are always complete;
// the lists keep their first MAX_LISTED entries so a file of 100,000 bad rows cannot make the
// report itself the memory problem.
import type { DedupeRule } from './dedupe-keys'
import type { ImportFormat } from './import-format'
import type { Mapping } from './mapping'
import type { RejectedIssue } from './row-issue'

export const MAX_LISTED = 10_000

export interface DuplicateEntry {
  readonly row: number
  /** The customer the row matched (and, when merged, was merged into). */
  readonly customerId: string
  readonly rule: DedupeRule
  readonly value: string
  readonly score?: number
  /** The earlier row of this file that the match came from, if it did. */
  readonly matchedRow?: number
  readonly action: 'merged' | 'candidate'
}

export type RowOutcome =
  | { readonly row: number; readonly kind: 'imported' | 'unchanged'; readonly customerId: string; readonly duplicate?: DuplicateEntry | undefined }
  | { readonly row: number; readonly kind: 'updated'; readonly customerId: string; readonly fields: string[]; readonly duplicate?: DuplicateEntry | undefined }
  | { readonly row: number; readonly kind: 'rejected'; readonly issues: RejectedIssue[] }

export interface ImportCounts {
  readonly rows: number
  readonly imported: number
  readonly updated: number
  readonly unchanged: number
  readonly rejectedRows: number
  readonly duplicateCount: number
}

export interface ImportReport extends ImportCounts {
  readonly bookId: string
  readonly format: ImportFormat
  readonly dryRun: boolean
  readonly rejected: RejectedIssue[]
  readonly duplicates: DuplicateEntry[]
  /** True when `rejected` or `duplicates` were cut at MAX_LISTED entries. */
  readonly truncated: boolean
  readonly mapping: Mapping
  readonly mappingSuggested: boolean
  readonly unmappedColumns: string[]
  readonly elapsedMs: number
}

export type ReportContext = Pick<ImportReport, 'bookId' | 'format' | 'dryRun' | 'mapping' | 'mappingSuggested' | 'unmappedColumns'>

export class ReportBuilder {
  private counts = { rows: 0, imported: 0, updated: 0, unchanged: 0, rejectedRows: 0, duplicateCount: 0 }
  private readonly rejected: RejectedIssue[] = []
  private readonly duplicates: DuplicateEntry[] = []
  private truncated = false
  private readonly started = Date.now()

  add(outcome: RowOutcome): void {
    this.counts.rows++
    if (outcome.kind === 'rejected') {
      this.counts.rejectedRows++
      for (const issue of outcome.issues) this.push(this.rejected, issue)
      return
    }
    this.counts[outcome.kind]++
    if (outcome.duplicate) {
      this.counts.duplicateCount++
      this.push(this.duplicates, outcome.duplicate)
    }
  }

  snapshot(): ImportCounts {
    return { ...this.counts }
  }

  finish(context: ReportContext): ImportReport {
    return {
      ...this.counts,
      ...context,
      rejected: [...this.rejected].sort((a, b) => a.row - b.row),
      duplicates: [...this.duplicates].sort((a, b) => a.row - b.row),
      truncated: this.truncated,
      elapsedMs: Date.now() - this.started,
    }
  }

  private push<T>(list: T[], item: T): void {
    if (list.length < MAX_LISTED) list.push(item)
    else this.truncated = true
  }
}

/** One table for people and spreadsheets: a line per rejected field and per duplicate. */
export function reportToCsv(report: Pick<ImportReport, 'rejected' | 'duplicates'>): string {
  const lines = [['type', 'row', 'field', 'column', 'value', 'reason'].join(',')]
  for (const r of report.rejected) {
    lines.push(['rejected', r.row, r.field, r.column ?? '', displayValue(r.value), r.reason].map(csvCell).join(','))
  }
  for (const d of report.duplicates) {
    const of = d.matchedRow !== undefined ? `row ${d.matchedRow} (customer ${d.customerId})` : `customer ${d.customerId}`
    const reason = d.action === 'merged' ? `merged into ${of}` : `possible duplicate of ${of}${d.score !== undefined ? `, similarity ${d.score}` : ''}`
    lines.push(['duplicate', d.row, d.rule, '', d.value, reason].map(csvCell).join(','))
  }
  return `${lines.join('\r\n')}\r\n`
}

function displayValue(v: unknown): string {
  if (v === undefined || v === null) return ''
  return typeof v === 'string' ? v : JSON.stringify(v)
}

/**
 * RFC 4180 quoting. csv-parse has no writer and csv-stringify is not among our dependencies;
 * quoting is this one line.
 */
export function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v)
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}
