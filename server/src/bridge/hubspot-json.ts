// HubSpot calls through the SDK's apiRequest (same base path, auth and fetch as its typed calls),
// answered as plain JSON. The typed calls run every request and every record of the answer
// through the SDK's model layer (classes, `Date`s) that the adapter only turns back into plain
// strings; for the calls made per record (search pages, batch read, update and upsert) that was
// 4–5 % of the bridge's CPU. A failure throws what the typed calls throw (code, body, headers),
// so classifyHubSpotError treats both alike.
import type { Client } from '@hubspot/api-client'

export interface JsonRequest {
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly qs?: Record<string, string>
  readonly body?: unknown
}

export async function hubSpotJson<T>(client: Client, r: JsonRequest): Promise<T> {
  const res = await client.apiRequest({ method: r.method, path: r.path, ...(r.qs ? { qs: r.qs } : {}), ...(r.body !== undefined ? { body: r.body } : {}) })
  if (!res.ok) throw await httpError(res)
  return (await res.json()) as T
}

/** A failed apiRequest as the SDK's typed calls throw it (code, body, headers), for classifyHubSpotError. */
export async function httpError(res: { status: number; statusText: string; text(): Promise<string>; headers: Iterable<[string, string]> }): Promise<Error> {
  const body = await res.text().catch(() => '')
  return Object.assign(new Error(`HTTP-Code: ${res.status} ${res.statusText}`), { code: res.status, body, headers: Object.fromEntries(res.headers) })
}
