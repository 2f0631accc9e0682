// What every format parser yields: one record of the file with its row number (1 = the first
// data record; a CSV header is not counted), or a row-level problem that rejects just that row.

/** Text as in the file; JSON numbers and booleans keep their type. */
export type SourceValue = string | number | boolean | SourceValue[] | { [key: string]: SourceValue }

export type SourceRecord =
  | { readonly row: number; readonly fields: Readonly<Record<string, SourceValue>>; readonly error?: undefined }
  | { readonly row: number; readonly error: string; readonly fields?: undefined }

export interface RecordSource extends AsyncIterable<SourceRecord> {
  /** The header (CSV) once the first record has been read; undefined for JSON and XML. */
  columns(): readonly string[] | undefined
}

/** Records bigger than this stop the import: a runaway quote or bracket, not a customer. */
export const MAX_RECORD_CHARS = 1_000_000
