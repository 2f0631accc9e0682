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

/**
 * Sets a field of a record. A column may be called "__proto__", which plain assignment would
 * make the object's prototype instead: the column's value would be lost and, from JSON, the
 * object's fields would show through as the record's own.
 */
export function setField(fields: Record<string, SourceValue>, name: string, value: SourceValue): void {
  if (name === '__proto__') Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true })
  else fields[name] = value
}

/** Records bigger than this stop the import: a runaway quote or bracket, not a customer. */
export const MAX_RECORD_CHARS = 1_000_000
