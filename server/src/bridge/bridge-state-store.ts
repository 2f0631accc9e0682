// What the bridge remembers between runs, kept in the store's own database: the id map with the
// last agreed state of every record (base snapshot, CRM modified time, content hashes), cursors,
// the outbox of CRM writes still owed, dead letters, conflicts and the "needs attention" list.
// Implementations: memory (tests), SQLite, PostgreSQL; all run runBridgeStateStoreContract.
import type { BridgeKind } from './field-map'
import type { BaseSnapshot } from './record-merge'

export interface RecordState {
  readonly kind: BridgeKind
  /** The book's id of the record (customer, contact or deal id). */
  readonly crdtId: string
  readonly bookId: string
  /** The customer a contact or deal belongs to; null for customers. */
  readonly parentId: string | null
  /** The CRM's id, once known. */
  readonly crmId: string | null
  /** Last agreed values; null until the two sides first agreed. */
  readonly base: BaseSnapshot | null
  /** hs_lastmodifieddate of the CRM record when last agreed. */
  readonly crmModifiedAt: number | null
  /** Hashes of the agreed values on each side (recordHash). */
  readonly crmHash: string | null
  readonly bookHash: string | null
  /** Agreed archived state (a removed contact or deal counts as archived). */
  readonly archived: boolean
  /** For contacts and deals: the company the CRM record is associated with. */
  readonly parentCrmId: string | null
  readonly updatedAt: number
}

/**
 * A record's state without its base snapshot: what the full reconcile and the consistency figure
 * compare (hashes, links, archived) for every record, without decoding every base.
 */
export type RecordSummary = Omit<RecordState, 'base'> & {
  /** The two sides agreed at least once (a base is stored). */
  readonly agreed: boolean
}

/** A record whose CRM side is owed a write; kept until the write is confirmed. */
export interface OutboxEntry {
  readonly kind: BridgeKind
  readonly crdtId: string
  readonly bookId: string
  readonly enqueuedAt: number
  readonly attempts: number
  readonly nextAttemptAt: number
  readonly lastError: string | null
}

export interface DeadLetter {
  readonly id?: number
  readonly kind: BridgeKind
  readonly crdtId: string
  readonly bookId: string
  readonly code: string
  readonly message: string
  readonly payload: unknown
  readonly at: number
}

export interface ConflictEntry {
  readonly id?: number
  readonly bookId: string
  readonly kind: BridgeKind
  readonly crdtId: string
  readonly field: string
  readonly property: string
  readonly base: string | null
  readonly bookValue: string | null
  readonly crmValue: string | null
  readonly bookBy: string | null
  readonly bookAt: number | null
  readonly crmBy: string | null
  readonly crmAt: number | null
  readonly policy: string
  readonly winner: 'book' | 'crm' | 'merged'
  readonly result: string | null
  readonly at: number
}

export interface AttentionIssue {
  readonly field: string
  readonly value: unknown
  readonly reason: string
}

/** A record the bridge will not push until someone fixes it. */
export interface AttentionEntry {
  readonly bookId: string
  readonly kind: BridgeKind
  readonly crdtId: string
  readonly issues: readonly AttentionIssue[]
  readonly at: number
}

export interface StateCounts {
  readonly records: number
  readonly outbox: number
  readonly deadLetters: number
  readonly conflicts: number
  readonly attention: number
}

export interface BridgeStateStore {
  getRecords(kind: BridgeKind, crdtIds: readonly string[]): Promise<Map<string, RecordState>>
  /** Keyed by CRM id. */
  getRecordsByCrmId(kind: BridgeKind, crmIds: readonly string[]): Promise<Map<string, RecordState>>
  /** Every record of a kind and/or a book, without its base. */
  listSummaries(filter?: { kind?: BridgeKind; bookId?: string }): Promise<RecordSummary[]>
  /** Inserts or replaces, all in one transaction. A CRM id names at most one record of a kind. */
  putRecords(records: readonly RecordState[]): Promise<void>

  getCursor(name: string): Promise<string | null>
  setCursor(name: string, value: string): Promise<void>

  /** Inserts or replaces by (kind, crdtId). */
  putOutbox(entries: readonly OutboxEntry[]): Promise<void>
  /** Entries due at `dueAt` (all when absent), soonest due first. */
  listOutbox(limit: number, dueAt?: number): Promise<OutboxEntry[]>
  countOutbox(): Promise<number>
  deleteOutbox(keys: ReadonlyArray<{ kind: BridgeKind; crdtId: string }>): Promise<void>

  addDeadLetter(entry: DeadLetter): Promise<void>
  listDeadLetters(limit: number): Promise<DeadLetter[]>

  addConflicts(entries: readonly ConflictEntry[]): Promise<void>
  /** Newest first. */
  listConflicts(bookId: string, opts: { limit: number; offset?: number }): Promise<ConflictEntry[]>

  setAttention(entry: AttentionEntry): Promise<void>
  clearAttention(kind: BridgeKind, crdtIds: readonly string[]): Promise<void>
  listAttention(bookId: string): Promise<AttentionEntry[]>

  /**
   * Remembers a webhook delivery key (its signature); false when it was seen within `horizonMs`
   * (a replay). Keys older than the horizon are forgotten.
   */
  rememberDelivery(key: string, at: number, horizonMs: number): Promise<boolean>

  counts(): Promise<StateCounts>
  close(): Promise<void>
}

export const recordKey = (kind: BridgeKind, crdtId: string): string => `${kind}:${crdtId}`
