// The file formats the importer reads and the exporter writes, and how a request names one:
// `?format=` first, else the Content-Type (or, in the CLI, the file extension).
import { ImportError } from './import-error'

export const IMPORT_FORMATS = ['csv', 'json', 'xml'] as const
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

const BY_CONTENT_TYPE: ReadonlyArray<[RegExp, ImportFormat]> = [
  [/^text\/(csv|tab-separated-values)\b/i, 'csv'],
  [/^application\/(x-)?(nd)?json\b|^application\/jsonl\b|^application\/.+\+json\b/i, 'json'],
  [/^(application|text)\/(.+\+)?xml\b/i, 'xml'],
]

const BY_EXTENSION: Readonly<Record<string, ImportFormat>> = {
  csv: 'csv', tsv: 'csv', txt: 'csv', json: 'json', ndjson: 'json', jsonl: 'json', xml: 'xml',
}

export const isImportFormat = (v: string): v is ImportFormat => (IMPORT_FORMATS as readonly string[]).includes(v)

export function resolveFormat(query: string | undefined, contentType: string | undefined): ImportFormat {
  if (query !== undefined && query !== '') {
    const q = query.toLowerCase()
    if (isImportFormat(q)) return q
    throw new ImportError('unknown-format', `unknown format "${query}"; use format=csv, json or xml`)
  }
  for (const [pattern, format] of BY_CONTENT_TYPE) if (pattern.test(contentType ?? '')) return format
  throw new ImportError('unknown-format', 'say which format the file is in: format=csv, json or xml')
}

export function formatFromFileName(path: string): ImportFormat | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase()
  return ext ? BY_EXTENSION[ext] : undefined
}

export const CONTENT_TYPES: Readonly<Record<ImportFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
}
