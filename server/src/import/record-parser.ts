// One entry point from the file's bytes (or decoded text) to records, whatever the format.
import { csvRecords } from './csv-records'
import type { ImportFormat } from './import-format'
import { jsonRecords } from './json-records'
import type { Mapping } from './mapping'
import type { RecordSource } from './source-record'
import { decodeText } from './text-decoding'
import { xmlRecords } from './xml-records'

interface ParseOptions {
  /** CSV: the delimiter, instead of detecting it. */
  readonly delimiter?: string
  /** XML: the record element's name, instead of the root's first child. */
  readonly record?: string
}

function parseRecords(format: ImportFormat, text: AsyncIterable<string>, opts: ParseOptions = {}): RecordSource {
  switch (format) {
    case 'csv':
      return csvRecords(text, opts.delimiter === undefined ? {} : { delimiter: opts.delimiter })
    case 'json':
      return jsonRecords(text)
    case 'xml':
      return xmlRecords(text, opts.record === undefined ? {} : { record: opts.record })
  }
}

/** The records of a file's bytes: decoded (BOM, `encoding`), then parsed as the mapping says. */
export function parseFile(
  format: ImportFormat,
  bytes: AsyncIterable<Uint8Array>,
  opts: { readonly encoding?: string | undefined; readonly mapping?: Mapping | undefined },
): RecordSource {
  return parseRecords(format, decodeText(bytes, opts.encoding), {
    ...(opts.mapping?.delimiter ? { delimiter: opts.mapping.delimiter } : {}),
    ...(opts.mapping?.record ? { record: opts.mapping.record } : {}),
  })
}
