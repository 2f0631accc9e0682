// The 10,000-customer book of the reconnect and cold-sync scenarios: built once per bench run
// with the model's demo data (as if a team of devices had created it), then pushed to each
// server in chunks small enough for every server's frame limit.
import { createCustomer, initBook, makeDemoCustomers } from '@crm-sync/model'
import * as Y from 'yjs'
import { DocClient } from './doc-client'
import type { Target } from './wire'

/** The customers are written by this many devices (client ids), a handful as in a real team. */
const DEVICES = 8
const CHUNK_CUSTOMERS = 250

export interface BigBook {
  /** One update per chunk of customers, in order; applied together they are the whole book. */
  readonly chunks: readonly Uint8Array[]
  readonly customers: number
  /** The whole book as one update (what a client stores after a cold sync). */
  readonly state: Uint8Array
  readonly stateBytes: number
}

export const buildBigBook = (customers: number): BigBook => {
  const doc = new Y.Doc()
  const chunks: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => chunks.push(u))
  initBook(doc, { name: 'Bench big book' })
  const all = makeDemoCustomers(customers, { seed: 42, owners: ['alice', 'bob', 'carol', 'dave'] })
  const now = new Date('2025-01-15T09:00:00.000Z')
  for (let start = 0; start < all.length; start += CHUNK_CUSTOMERS) {
    doc.clientID = 1000 + ((start / CHUNK_CUSTOMERS) % DEVICES)
    doc.transact(() => {
      for (const c of all.slice(start, start + CHUNK_CUSTOMERS)) createCustomer(doc, c, { by: c.ownerId ?? 'alice', now })
    })
  }
  const state = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return { chunks, customers, state, stateBytes: state.length }
}

/**
 * Writes the book into `book` on the target, waiting for acks where the server gives them, and
 * returns the writing client still connected: Hocuspocus without a store forgets a document once
 * its last connection left, so the caller keeps this one open while it measures.
 */
export const pushBigBook = async (target: Target, book: string, big: BigBook): Promise<DocClient> => {
  const client = await DocClient.connect({ target, book, ack: target.kind === 'ours' })
  await client.synced
  // Applied to the client's own document, which sends each chunk on as an update frame, so the
  // returned client holds the book too and can observe later edits to it.
  for (const chunk of big.chunks) Y.applyUpdate(client.doc, chunk)
  if (target.kind === 'ours' || target.kind === 'hocuspocus') await client.waitAcked(client.framesSent, 120_000)
  else await client.roundTrip()
  return client
}
