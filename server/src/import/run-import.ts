// One import from bytes to report, in two passes over the file:
//   1. check (check-import.ts): read the whole upload once, within MAX_IMPORT_BYTES, keeping a
//      copy in a BodySpool; decode and parse every record; choose and check the mapping.
//   2. apply: read the copy again → map, clean, validate each row → apply in batches → report.
// Every error of the import as a whole is found in the first pass, so a refused import writes
// nothing; devices still watch a good import arrive batch by batch in the second. Memory holds
// one batch of rows and the dedupe index, never the file (a big copy lives in a temp file).
import { setImmediate as nextTick } from 'node:timers/promises'
import * as Y from 'yjs'
import { customersMap } from '@crm-sync/model'
import type { Logger } from 'pino'
import { applyBatch, type ApplyContext } from './apply-batch'
import { applyMapping } from './apply-mapping'
import { BodySpool, type SpoolOptions } from './body-spool'
import { countBytes, limitBytes } from './byte-limit'
import { checkImport, type ImportPlan } from './check-import'
import { DedupeIndex, type DedupeCandidate } from './dedupe-index'
import { isStoreError } from '../store/store-error'
import { ImportError, isImportError } from './import-error'
import type { ImportFormat } from './import-format'
import { ReportBuilder, type ImportCounts, type ImportReport } from './import-report'
import type { ImportTarget } from './import-target'
import type { Mapping } from './mapping'
import { parseFile } from './record-parser'
import type { SourceRecord } from './source-record'
import { columnOf } from './suggest-mapping'
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
  /** Where and from what size the upload's copy goes to a temporary file. */
  readonly spool?: SpoolOptions | undefined
}

export type ImportPhase = 'checking' | 'importing'

export interface ImportProgress extends ImportCounts {
  /** Bytes of the file read so far, in this phase (each phase reads the file once). */
  readonly bytes: number
  /** 'checking': reading the whole file before any write (counts stay 0); 'importing': writing. */
  readonly phase: ImportPhase
  /** Records the check pass has read (all of them once it is done). */
  readonly checked: number
}

export async function runImport(body: AsyncIterable<Uint8Array>, target: ImportTarget, o: ImportOptions): Promise<ImportReport> {
  const batchSize = o.batchSize ?? DEFAULT_BATCH_SIZE
  const spool = new BodySpool(o.spool)
  const report = new ReportBuilder()
  try {
    const upload = limitBytes(body, o.maxBytes)
    const plan = await checkImport(spool.record(upload.chunks), {
      format: o.format, mapping: o.mapping, encoding: o.encoding, threshold: o.threshold, batchSize,
      onChecked: (checked) => o.onProgress?.({ ...report.snapshot(), bytes: upload.bytesRead(), phase: 'checking', checked }),
    })
    return await applyFile(spool.replay(), plan, target, report, { ...o, batchSize })
  } catch (e) {
    if (isImportError(e)) {
      const applied = report.snapshot()
      throw new ImportError(e.code, e.message, { ...(e.details as object | undefined), applied, dryRun: o.dryRun }, { cause: e.cause })
    }
    if (isStoreError(e, 'timeout')) {
      const message = `${e.message}; try again shortly (the rows already imported are recognised and left as they are)`
      throw new ImportError('store-timeout', message, { applied: report.snapshot(), dryRun: o.dryRun }, { cause: e })
    }
    throw e
  } finally {
    await spool.dispose()
  }
}

/** The second pass: the checked file again, row by row into the target, a batch per change. */
async function applyFile(
  bytes: AsyncIterable<Uint8Array>,
  plan: ImportPlan,
  target: ImportTarget,
  report: ReportBuilder,
  o: ImportOptions & { readonly batchSize: number },
): Promise<ImportReport> {
  const { mapping } = plan
  // Only counted for progress: the copy was held to the limit when it was taken.
  const counted = countBytes(bytes)
  // Parsed exactly as the check pass parsed it: same encoding, same delimiter and record element.
  const records = parseFile(o.format, counted.chunks, { encoding: o.encoding, mapping: o.mapping })[Symbol.asyncIterator]()
  try {
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
      o.onProgress?.({ ...report.snapshot(), bytes: counted.bytesRead(), phase: 'importing', checked: plan.records })
      await nextTick() // a dry run never waits for the store: let other requests in between batches
    }

    let flushed = false
    for (;;) {
      const next = await records.next()
      if (next.done) break
      take(next.value)
      if (read >= o.batchSize) {
        await flush()
        flushed = true
      }
    }
    if (read > 0 || batch.length > 0 || !flushed) await flush()
    return report.finish({
      bookId: o.bookId, format: o.format, dryRun: o.dryRun, mapping, mappingSuggested: plan.suggested, unmappedColumns: plan.unmapped,
    })
  } finally {
    await records.return?.()
  }
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
