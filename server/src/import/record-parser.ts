// One entry point from decoded text to records, whatever the format.
import { csvRecords } from './csv-records'
import type { ImportFormat } from './import-format'
import { jsonRecords } from './json-records'
import type { RecordSource } from './source-record'
import { xmlRecords } from './xml-records'

export interface ParseOptions {
  /** CSV: the delimiter, instead of detecting it. */
  readonly delimiter?: string
  /** XML: the record element's name, instead of the root's first child. */
  readonly record?: string
}

export function parseRecords(format: ImportFormat, text: AsyncIterable<string>, opts: ParseOptions = {}): RecordSource {
  switch (format) {
    case 'csv':
      return csvRecords(text, opts.delimiter === undefined ? {} : { delimiter: opts.delimiter })
    case 'json':
      return jsonRecords(text)
    case 'xml':
      return xmlRecords(text, opts.record === undefined ? {} : { record: opts.record })
  }
}
