// The few HTTP calls the app makes (sign-in, books, import). Everything about customers goes
// through the book's Y.Doc instead, so it works offline.
import type { BookEntry } from './session-store'

export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(readonly status: number, readonly code: string, message: string, readonly details: string | null = null) {
    super(message)
  }
}

async function call<T>(path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers = new Headers(init.headers)
  if (init.token) headers.set('authorization', `Bearer ${init.token}`)
  let res: Response
  try {
    res = await fetch(path, { ...init, headers, credentials: 'same-origin' })
  } catch (cause) {
    throw new ApiError(0, 'network', `no connection to the server (${cause instanceof Error ? cause.message : String(cause)})`)
  }
  const body: unknown = res.headers.get('content-type')?.includes('json') ? await res.json().catch(() => null) : await res.text()
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string; details?: unknown }; code?: string; message?: string } | null) ?? {}
    const code = err.error?.code ?? err.code ?? `http-${res.status}`
    const message = err.error?.message ?? err.message ?? (typeof body === 'string' && body ? body : res.statusText)
    throw new ApiError(res.status, code, message, describeDetails(err.error?.details))
  }
  return body as T
}

/** Error details (e.g. zod issues of a bad mapping) as one line for the screen. */
function describeDetails(details: unknown): string | null {
  if (details === undefined || details === null) return null
  if (Array.isArray(details)) {
    return details.map((d) => (typeof d === 'object' && d !== null && 'message' in d
      ? `${'path' in d && d.path ? `${String(d.path)}: ` : ''}${String(d.message)}` : JSON.stringify(d))).join('; ')
  }
  return typeof details === 'string' ? details : JSON.stringify(details)
}

export const devLogin = (user: string, name?: string) =>
  call<{ token: string; user: { id: string; name: string } }>('/api/auth/dev-login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(name ? { user, name } : { user }),
  })

export const listBooks = (token: string) =>
  call<{ books: Array<BookEntry & Record<string, unknown>> }>('/api/books', { token }).then((r) =>
    r.books.map((b) => ({ id: b.id, name: b.name, role: b.role })),
  )

export const IMPORT_FORMATS = ['csv', 'json', 'xml'] as const
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

/** The format a file's name suggests (NDJSON is the JSON importer's too), or null. */
export function formatOf(fileName: string): ImportFormat | null {
  const ext = fileName.toLowerCase().split('.').pop() ?? ''
  if (ext === 'ndjson' || ext === 'jsonl') return 'json'
  return (IMPORT_FORMATS as readonly string[]).includes(ext) ? (ext as ImportFormat) : null
}

/** Where a customer field comes from in the file: a column, or a column with transforms, or a constant. */
export type ImportSource = string | { from?: string | string[]; value?: string; default?: string; transform?: unknown }

/** The report shape fixed in ARCHITECTURE.md, plus the context the server adds (all optional here). */
export interface ImportReport {
  readonly imported: number
  readonly updated: number
  readonly unchanged: number
  readonly rejected: ReadonlyArray<{ row: number; field: string; column?: string; value: unknown; reason: string }>
  readonly duplicates: ReadonlyArray<{ row: number; customerId?: string; rule?: string; value?: string; score?: number; action?: string }>
  readonly rows?: number
  readonly rejectedRows?: number
  readonly duplicateCount?: number
  readonly truncated?: boolean
  readonly mapping?: { fields: Record<string, ImportSource> } & Record<string, unknown>
  readonly mappingSuggested?: boolean
  readonly unmappedColumns?: readonly string[]
}

export const importFile = (token: string, bookId: string, format: ImportFormat, file: Blob, dryRun: boolean, mapping?: string) => {
  const query = new URLSearchParams({ format })
  if (dryRun) query.set('dryRun', '1')
  if (mapping) query.set('mapping', mapping)
  return call<ImportReport>(`/api/books/${encodeURIComponent(bookId)}/import?${query}`, {
    method: 'POST',
    token,
    headers: { 'content-type': file.type || 'application/octet-stream', accept: 'application/json' },
    body: file,
  })
}
