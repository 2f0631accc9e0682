// The book side of the bridge scenario: a book the bridge works on (crm-bridge as editor), its
// customers as the REST API returns them, and a rep's edits to every customer, encoded ahead.
import { customersMap, patchCustomer } from '@crm-sync/model'
import * as Y from 'yjs'
import { sleep } from './context'
import type { DocClient } from './doc-client'
import { createBooks } from './our-api'
import type { ServerProcess } from './server-process'
import type { Target } from './wire'

const api = async (server: ServerProcess, target: Target, method: string, path: string, body?: unknown): Promise<unknown> => {
  const res = await fetch(`${server.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${target.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`)
  return res.json()
}

/** Creates `book` with crm-bridge as an editor and resolves once the bridge has opened it. */
export const prepareBridgeBook = async (server: ServerProcess, target: Target, book: string): Promise<void> => {
  await createBooks(server, target, [book])
  await api(server, target, 'PUT', `/api/books/${book}/members/crm-bridge`, { role: 'editor' })
  const deadline = Date.now() + 30_000
  for (;;) {
    // 503 while the bridge is still starting (the HTTP API answers before it).
    const res = await fetch(`${server.httpUrl}/api/sync/status`, { headers: { authorization: `Bearer ${target.token}` } })
    const status = (await res.json()) as { books?: string[] }
    if (status.books?.includes(book)) return
    if (Date.now() > deadline) throw new Error(`the bridge did not open ${book}: ${res.status} ${JSON.stringify(status)}`)
    await sleep(100)
  }
}

export interface BookCustomer {
  readonly id: string
  readonly industry?: string
  readonly address?: { readonly city?: string }
}

export const customersInBook = async (server: ServerProcess, target: Target, book: string): Promise<BookCustomer[]> =>
  ((await api(server, target, 'GET', `/api/books/${book}/customers`)) as { customers: BookCustomer[] }).customers

/**
 * A rep's edit of every customer (one field), in transactions of `perTransaction` customers,
 * encoded on a copy of the client's document so that the clock can start after the work.
 */
export const encodeBookEdits = (client: DocClient, patch: { industry: string }, perTransaction: number): Uint8Array[] => {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(client.doc))
  const updates: Uint8Array[] = []
  copy.on('update', (u: Uint8Array) => updates.push(u))
  const ids = [...customersMap(copy).keys()]
  for (let i = 0; i < ids.length; i += perTransaction) {
    copy.transact(() => ids.slice(i, i + perTransaction).forEach((id) => patchCustomer(copy, id, patch)))
  }
  copy.destroy()
  return updates
}
