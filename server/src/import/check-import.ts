// The check pass of an import: reads the whole file once, decoding and parsing every record,
// before anything is written. Every error of the import as a whole (an encoding error, a
// broken record, a record too large, a body over the limit, a client that hangs up) is found
// here, so a refused import writes nothing. From the first batch it also chooses the mapping
// and checks it against the columns, so a bad mapping is refused without reading further.
// Memory: the first batch, then one record at a time; the bytes go on to the spool.
import { chooseMapping, type ChosenMapping } from './choose-mapping'
import { ImportError } from './import-error'
import type { ImportFormat } from './import-format'
import type { Mapping } from './mapping'
import { parseFile } from './record-parser'
import { pathsOf } from './source-path'
import type { RecordSource, SourceRecord } from './source-record'
import { LIST_FIELDS, checkNameNotInList, explainWrapped } from './wrapped-records'

export interface CheckOptions {
  readonly format: ImportFormat
  readonly mapping?: Mapping | undefined
  readonly encoding?: string | undefined
  /** Overrides the mapping's fuzzy dedupe threshold. */
  readonly threshold?: number | undefined
  readonly batchSize: number
  /** After the mapping is chosen, then every `batchSize` records, then once at the end. */
  readonly onChecked?: ((records: number) => void) | undefined
}

export interface ImportPlan extends ChosenMapping {
  /** Records in the file, row-level problems included. */
  readonly records: number
}

export async function checkImport(bytes: AsyncIterable<Uint8Array>, o: CheckOptions): Promise<ImportPlan> {
  const source = parseFile(o.format, bytes, { encoding: o.encoding, mapping: o.mapping })
  const records = source[Symbol.asyncIterator]()
  try {
    const { chosen, read } = await checkFirstBatch(source, records, o)
    let count = read
    o.onChecked?.(count)
    for (;;) {
      const next = await records.next()
      if (next.done) break
      count++
      if (count % o.batchSize === 0) o.onChecked?.(count)
    }
    o.onChecked?.(count)
    const mapping: Mapping = o.threshold === undefined ? chosen.mapping : { ...chosen.mapping, dedupe: { ...chosen.mapping.dedupe, threshold: o.threshold } }
    return { ...chosen, mapping, records: count }
  } finally {
    await records.return?.()
  }
}

/** Reads the first batch and chooses the mapping from it; the batch itself is not kept. */
async function checkFirstBatch(source: RecordSource, records: AsyncIterator<SourceRecord>, o: CheckOptions): Promise<{ chosen: ChosenMapping; read: number }> {
  const first: SourceRecord[] = []
  while (first.length < o.batchSize) {
    const next = await records.next()
    if (next.done) break
    first.push(next.value)
  }
  const samples = first.flatMap((r) => (r.fields ? [r.fields] : []))
  if (first.length > 0 && samples.length === 0) {
    throw new ImportError('parse-error', `none of the first ${first.length} records could be read; is the format right? The first: ${first[0]?.error}`)
  }
  let chosen: ChosenMapping
  try {
    chosen = chooseMapping(o.mapping, o.format, source.columns() ?? pathsOf(samples, LIST_FIELDS), samples)
  } catch (e) {
    throw explainWrapped(e, o.format, samples)
  }
  if (chosen.suggested) checkNameNotInList(chosen.mapping, o.format, samples)
  return { chosen, read: first.length }
}
