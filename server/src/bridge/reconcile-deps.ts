// What reconciling records needs from the outside world, passed in explicitly: the CRM, the
// bridge's state, the books, the CRDT clock, the field map and the figures it reports into.
import type { Logger } from 'pino'
import type * as Y from 'yjs'
import type { BookRules } from './book-assignment'
import type { HashedBookRecord } from './book-record-hashes'
import type { BridgeStateStore } from './bridge-state-store'
import type { CrdtFieldClock } from './crdt-field-clock'
import type { CrmAdapter, CrmObject } from './crm-adapter'
import type { BridgeKind, FieldMap } from './field-map'

/** The bridge's access to books (an open, synced Y.Doc per book; see BridgeBooks). */
export interface BookAccess {
  /** Books the bridge may write (it is an editor there). */
  reachable(bookId: string): boolean
  reachableBooks(): string[]
  doc(bookId: string): Promise<Y.Doc>
  /**
   * Every record of the book with its content hash (book-record-hashes.ts), without waking a
   * sleeping book that has not changed since it was last listed; `fresh` re-hashes all of them.
   */
  recordHashes(bookId: string, fresh?: boolean): Promise<readonly HashedBookRecord[]>
  /** Changes the book in one transaction as the bridge. */
  write(bookId: string, change: (doc: Y.Doc) => void): Promise<void>
  /** True once every bridge write to the book so far is acknowledged by the relay. */
  flushed(bookId: string, timeoutMs: number): Promise<boolean>
}

/** Figures the reconciler reports; the service turns them into metrics. */
export interface ReconcileEvents {
  lag(direction: 'toCrm' | 'fromCrm', ms: number): void
  conflict(count: number): void
  echo(count: number): void
  error(kind: string): void
  /** The latest known CRM-side content hash of a record (for the consistency figure). */
  crmSeen(kind: BridgeKind, crdtId: string, hash: string | null): void
}

export interface ReconcileDeps {
  readonly crm: CrmAdapter
  readonly state: BridgeStateStore
  readonly books: BookAccess
  readonly clock: CrdtFieldClock
  readonly map: FieldMap
  readonly rules: BookRules
  /** Names the CRM account in derived ids (two portals never share a derived id). */
  readonly portal: string
  readonly events: ReconcileEvents
  readonly log: Logger
  readonly now: () => number
  /** How long to wait for the relay to acknowledge the bridge's book writes. */
  readonly ackTimeoutMs: number
}

/** One record to reconcile: whatever the trigger knew about it. */
export interface ReconcileItem {
  readonly kind: BridgeKind
  /** From the book side. */
  readonly crdtId?: string
  readonly bookId?: string
  readonly parentId?: string | null
  /** From the CRM side: the record as just read (pull, full reconcile). */
  readonly crm?: CrmObject
  /** A CRM id to look at (a deletion webhook, a record missing from a full scan). */
  readonly crmId?: string
  /** When the change was first seen (for lag figures). */
  readonly since?: number
}
