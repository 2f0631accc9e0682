// One import from bytes to report: decode → parse records → (first batch: choose and check
// the mapping) → map, clean, validate each row → apply in batches → report. Streams: memory
// holds one batch of rows and the dedupe index, never the file.
//
// Nothing is written until the first batch has been read and the mapping checked against it,
// so binary files, unknown encodings, bad mappings and files that break within their first
// batch are refused with nothing written. A parse error further in stops the import; the
// batches before it stay (the error carries their counts), and importing the fixed file
// again is safe because imports are idempotent.
import { setImmediate as nextTick } from 'node:timers/promises'
import * as Y from 'yjs'
import { customersMap } from '@crm-sync/model'
import type { Logger } from 'pino'
import { applyBatch, type ApplyContext } from './apply-batch'
import { applyMapping } from './apply-mapping'
import { limitBytes } from './byte-limit'
import { DedupeIndex, type DedupeCandidate } from './dedupe-index'
import { ImportError, isImportError } from './import-error'
import type { ImportFormat } from './import-format'
import { ReportBuilder, type ImportCounts, type ImportReport } from './import-report'
import type { ImportTarget } from './import-target'
import { keyColumns, sourceColumns, type Mapping } from './mapping'
import { parseRecords } from './record-parser'
import { pathsOf } from './source-path'
import type { SourceRecord } from './source-record'
import { checkColumns, columnOf, suggestMapping } from './suggest-mapping'
import { decodeText } from './text-decoding'
import { checkRow, type ValidRow } from './validate-row'

export const DEFAULT_BATCH_SIZE = 500

export interface ImportOptions {
  readonly bookId: string
  readonly userId: string
  readonly format: ImportFormat
  /** Without one, a mapping is suggested from the column names. */
  readonly mapping?: Mapping | undefined
  readonly dryRun: boolean
  readonly overwrite: boolean
  /** Region for phone numbers without "+" when neither the row nor the mapping gives one. */
  readonly defaultRegion: string
  readonly maxBytes: number
  readonly batchSize?: number | undefined
  readonly encoding?: string | undefined
  /** Overrides the mapping's fuzzy dedupe threshold. */
  readonly threshold?: number | undefined
  readonly onProgress?: ((progress: ImportProgress) => void) | undefined
  readonly log?: Logger | undefined
}

export interface ImportProgress extends ImportCounts {
  /** Bytes of the file read so far. */
  readonly bytes: number
}

/** Paths that are values as a whole (lists), not objects to look into, when listing JSON/XML columns. */
const LEAF_PATHS = new Set(['tags', 'contacts', 'deals', 'activities'])

export async function runImport(body: AsyncIterable<Uint8Array>, target: ImportTarget, o: ImportOptions): Promise<ImportReport> {
  const batchSize = o.batchSize ?? DEFAULT_BATCH_SIZE
  const counted = limitBytes(body, o.maxBytes)
  const text = decodeText(counted.chunks, o.encoding)
  const source = parseRecords(o.format, text, {
    ...(o.mapping?.delimiter ? { delimiter: o.mapping.delimiter } : {}),
    ...(o.mapping?.record ? { record: o.mapping.record } : {}),
  })
  const records = source[Symbol.asyncIterator]()
  const report = new ReportBuilder()
  try {
    const first: SourceRecord[] = []
    while (first.length < batchSize) {
      const next = await records.next()
      if (next.done) break
      first.push(next.value)
    }
    const samples = first.flatMap((r) => (r.fields ? [r.fields] : []))
    if (first.length > 0 && samples.length === 0) {
      throw new ImportError('parse-error', `none of the first ${first.length} records could be read; is the format right? The first: ${first[0]?.error}`)
    }
    const columns = source.columns() ?? pathsOf(samples, LEAF_PATHS)
    const chosen = chooseMapping(o, columns, samples)
    const mapping: Mapping = o.threshold === undefined ? chosen.mapping : { ...chosen.mapping, dedupe: { ...chosen.mapping.dedupe, threshold: o.threshold } }

    const index = new DedupeIndex(mapping.dedupe.threshold)
    await target.read((doc) => {
      for (const [id, customer] of customersMap(doc).entries()) if (customer instanceof Y.Map) index.add(id, dedupeFields(customer))
    })
    const ctx: ApplyContext = {
      bookId: o.bookId, userId: o.userId, mapping, overwrite: o.overwrite, index, touched: new Map(), now: new Date(),
      ...(o.log ? { log: o.log } : {}),
    }
    const rowOptions = {
      defaultRegion: mapping.defaultRegion?.toUpperCase() ?? o.defaultRegion,
      nullValues: mapping.nullValues,
      columnOf: (field: string) => columnOf(mapping, field),
    }

    let batch: ValidRow[] = []
    let read = 0
    const take = (record: SourceRecord) => {
      read++
      if (record.error !== undefined) {
        report.add({ row: record.row, kind: 'rejected', issues: [{ row: record.row, field: '', value: null, reason: record.error }] })
        return
      }
      const checked = checkRow(record.row, applyMapping(record.fields, mapping), rowOptions)
      if (checked.ok) batch.push(checked.value)
      else report.add({ row: checked.row, kind: 'rejected', issues: checked.issues })
    }
    const flush = async () => {
      const rows = batch
      batch = []
      read = 0
      if (rows.length > 0) {
        const outcomes = await target.change((doc, origin) => applyBatch(doc, origin, rows, ctx))
        for (const outcome of outcomes) report.add(outcome)
      }
      o.onProgress?.({ ...report.snapshot(), bytes: counted.bytesRead() })
      await nextTick() // a dry run never waits for the store: let other requests in between batches
    }

    for (const record of first) take(record)
    await flush()
    for (;;) {
      const next = await records.next()
      if (next.done) break
      take(next.value)
      if (read >= batchSize) await flush()
    }
    if (read > 0 || batch.length > 0) await flush()
    return report.finish({
      bookId: o.bookId, format: o.format, dryRun: o.dryRun, mapping, mappingSuggested: chosen.suggested, unmappedColumns: chosen.unmapped,
    })
  } catch (e) {
    if (isImportError(e)) {
      const applied = report.snapshot()
      throw new ImportError(e.code, e.message, { ...(e.details as object | undefined), applied, dryRun: o.dryRun }, { cause: e.cause })
    }
    throw e
  } finally {
    await records.return?.()
  }
}

function chooseMapping(
  o: ImportOptions,
  columns: readonly string[],
  samples: Parameters<typeof suggestMapping>[1],
): { mapping: Mapping; suggested: boolean; unmapped: string[] } {
  if (o.mapping) {
    checkColumns(o.mapping, columns, o.format === 'csv')
    const used = new Set([...Object.values(o.mapping.fields).flatMap((s) => (s ? sourceColumns(s) : [])), ...keyColumns(o.mapping)])
    return { mapping: o.mapping, suggested: false, unmapped: columns.filter((c) => !used.has(c)) }
  }
  if (columns.length === 0 && samples.length === 0) {
    // An empty file: nothing to map, nothing to import.
    return { mapping: suggestMapping(['name'], []).mapping, suggested: true, unmapped: [] }
  }
  const suggested = suggestMapping(columns, samples)
  return { mapping: suggested.mapping, suggested: true, unmapped: suggested.unmapped }
}

/** The fields dedupe looks at, read straight from the book (cheaper than readCustomer for big books). */
function dedupeFields(customer: Y.Map<unknown>): DedupeCandidate {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined)
  const address = customer.get('address')
  return {
    name: text(customer.get('name')),
    email: text(customer.get('email')),
    phone: text(customer.get('phone')),
    website: text(customer.get('website')),
    address: address instanceof Y.Map ? { city: text(address.get('city')) } : undefined,
  }
}
