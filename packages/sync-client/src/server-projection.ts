// A fresh device's first look at a book: the relay's JSON list of its customers
// (`GET /api/books/:id/customers`, ≈2 MiB gzipped for 10,000 customers) arrives well before the
// book's document (a 16 MiB Yjs update to download and apply), so it is offered as the projection
// meanwhile. Everything here is checked: a body that is too big, not JSON, not customers or
// without the state vector it reflects is refused, never shown.
import { customerSchema } from '@crm-sync/model'
import { BOOK_STATE_VECTOR_HEADER, decodeStateVectorHeader } from '@crm-sync/protocol'
import type { StoredProjection } from './local-store'
import { SyncClientError } from './sync-client-error'

export interface ServerProjectionOptions {
  /**
   * The origin of the relay's HTTP API, e.g. 'https://crm.example.com' (a path prefix is kept):
   * the list is fetched from `<httpUrl>/api/books/<bookId>/customers`. From a page on another
   * origin the API must allow it (CORS) and expose the X-Book-State-Vector header.
   */
  readonly httpUrl: string
  /** The largest body accepted, counted after decompression. Default 64 MiB (10,000 customers: ≈13 MB). */
  readonly maxBytes?: number
  /**
   * The first sync starts once the list is shown (or the fetch failed), or after this long
   * (ms) without it. Applying a large book's document holds a page's only thread for seconds
   * (10,000 customers: ≈2 s), so a sync that arrived first would keep the list from showing;
   * the list is ≈7× fewer bytes than the document, so it also comes first on a slow network.
   * Default 5000.
   */
  readonly syncAfterMs?: number
  /**
   * A failed fetch is not an error of the book (it opens from the document as without one); it is
   * reported here. Default: console.warn.
   */
  readonly onError?: (error: SyncClientError) => void
}

export const SERVER_PROJECTION_DEFAULTS = {
  maxBytes: 64 * 1024 * 1024,
  syncAfterMs: 5000,
  onError: (error: SyncClientError): void => console.warn(`[sync-client] ${error.message}`, error.cause ?? ''),
} as const

const customerList = customerSchema.array()

export interface ServerProjectionRequest {
  readonly httpUrl: string
  readonly bookId: string
  readonly token: string
  readonly maxBytes: number
  readonly signal: AbortSignal
}

/** The book's customers as the relay has them, as a projection of the state vector it names. */
export async function fetchServerProjection(r: ServerProjectionRequest): Promise<StoredProjection> {
  const url = `${r.httpUrl.replace(/\/+$/, '')}/api/books/${encodeURIComponent(r.bookId)}/customers?includeArchived=1`
  const response = await fetch(url, { headers: { authorization: `Bearer ${r.token}`, accept: 'application/json' }, signal: r.signal })
  if (!response.ok) {
    await discard(response)
    throw serverProjectionFailed(`the relay answered ${response.status} ${response.statusText}`.trim())
  }
  const stateVector = decodeStateVectorHeader(response.headers.get(BOOK_STATE_VECTOR_HEADER))
  if (!stateVector) {
    await discard(response)
    throw serverProjectionFailed(`the response has no valid ${BOOK_STATE_VECTOR_HEADER} header`)
  }
  const text = await readText(response, r.maxBytes)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    throw serverProjectionFailed('the response is not JSON', cause)
  }
  const listed = typeof json === 'object' && json !== null ? (json as { customers?: unknown }).customers : undefined
  const parsed = customerList.safeParse(listed)
  if (!parsed.success) throw serverProjectionFailed('the response is not a list of customers', parsed.error)
  return { customers: parsed.data, stateVector, stale: [], needsRebuild: false }
}

/**
 * The body as text, refused (and the download cancelled) once it passes `maxBytes`: fetch has no
 * limit of its own, and `response.text()` would hold a body of any size before we could look.
 */
async function readText(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN)
  if (response.headers.get('content-encoding') === null && declared > maxBytes) {
    await discard(response)
    throw tooBig(maxBytes)
  }
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let bytes = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    bytes += value.byteLength
    if (bytes > maxBytes) {
      await reader.cancel()
      throw tooBig(maxBytes)
    }
    chunks.push(value)
  }
  const body = new Uint8Array(bytes)
  let at = 0
  for (const chunk of chunks) {
    body.set(chunk, at)
    at += chunk.byteLength
  }
  return new TextDecoder().decode(body)
}

export const serverProjectionFailed = (why: string, cause?: unknown): SyncClientError =>
  new SyncClientError('server-projection-failed', `could not show the relay's customer list before the book synced: ${why}`, { cause })

const tooBig = (maxBytes: number) => serverProjectionFailed(`the response is larger than ${maxBytes} bytes`)

/** Drops a body we will not read, so the connection is released; failing to is no news. */
const discard = (response: Response): Promise<void> => response.body?.cancel().catch(() => {}) ?? Promise.resolve()
