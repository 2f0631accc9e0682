// The IndexedDB layout of one book (one database per book) and its upgrades.
//   updates     autoIncrement key -> Uint8Array (Yjs update; after compaction one snapshot row)
//   pending     pending id -> { at }  (local updates the relay has not acknowledged)
//   meta        'lastSyncedAt' -> number; 'projection' -> ProjectionMeta;
//               'projection-marks:…' -> StaleMarks (written without reading the projection)
//   projection  bucket number -> JSON text of the bucket's customers (projection-buckets.ts)
// Version 1 had the first three stores. Upgrades only add what is missing, so existing data stays.
import type { DBSchema } from 'idb'
import type { StaleMarks } from './local-store'
import type { ProjectionMeta } from './projection-buckets'

export interface BookDb extends DBSchema {
  updates: { key: number; value: Uint8Array }
  pending: { key: string; value: { at: number } }
  meta: { key: string; value: number | ProjectionMeta | StaleMarks }
  projection: { key: number; value: string }
}

export const DB_VERSION = 2

/** The 'upgradeneeded' step: creates the stores this version has and the database lacks. */
export const upgradeBookDb = (db: IDBDatabase): void => {
  if (!db.objectStoreNames.contains('updates')) db.createObjectStore('updates', { autoIncrement: true })
  if (!db.objectStoreNames.contains('pending')) db.createObjectStore('pending')
  if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta')
  if (!db.objectStoreNames.contains('projection')) db.createObjectStore('projection')
}
