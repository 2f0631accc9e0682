// The mapping an import uses: the one given, checked against the file's columns, or one
// suggested from them; with the columns it leaves out, for the report.
import type { ImportFormat } from './import-format'
import { keyColumns, sourceColumns, type Mapping } from './mapping'
import type { SourceValue } from './source-record'
import { checkColumns, suggestMapping } from './suggest-mapping'

export interface ChosenMapping {
  readonly mapping: Mapping
  readonly suggested: boolean
  readonly unmapped: string[]
}

export function chooseMapping(
  given: Mapping | undefined,
  format: ImportFormat,
  columns: readonly string[],
  samples: ReadonlyArray<Readonly<Record<string, SourceValue>>>,
): ChosenMapping {
  if (given) {
    checkColumns(given, columns, format === 'csv')
    const used = new Set([...Object.values(given.fields).flatMap((s) => (s ? sourceColumns(s) : [])), ...keyColumns(given)])
    return { mapping: given, suggested: false, unmapped: columns.filter((c) => !used.has(c)) }
  }
  if (columns.length === 0 && samples.length === 0) {
    // An empty file: nothing to map, nothing to import.
    return { mapping: suggestMapping(['name'], []).mapping, suggested: true, unmapped: [] }
  }
  const suggested = suggestMapping(columns, samples)
  return { mapping: suggested.mapping, suggested: true, unmapped: suggested.unmapped }
}
