// BridgeStateStore on SQLite, in the relay's own database file but in the bridge's own tables
// (prefix bridge_) with their own version bookkeeping (bridge_schema_version), so the bridge's
// schema evolves without touching the core migrations. Writes are durable when they resolve, as
// the bridge's crash safety needs (a link before its claim, a webhook delivery before it is
// acted on), but their fsync runs on the thread pool (sqlite-wal-sync.ts), not on the event loop
// the relay shares.
import type BetterSqlite3 from 'better-sqlite3'
import type {
  AttentionEntry, BridgeStateStore, ConflictEntry, DeadLetter, OutboxEntry, RecordState, RecordSummary,
} from './bridge-state-store'
import { BridgeError } from './bridge-error'
import type { BridgeKind } from './field-map'
import { BRIDGE_MIGRATIONS } from './bridge-migrations'
import { createDurableWrite, type WalSyncOptions } from '../store/sqlite-wal-sync'

type Db = BetterSqlite3.Database
type Row = Record<string, unknown>

export function migrateBridgeSqlite(db: Db): void {
  db.exec('create table if not exists bridge_schema_version (version integer not null)')
  const row = db.prepare('select max(version) as v from bridge_schema_version').get() as { v: number | null }
  const current = row.v ?? 0
  db.transaction(() => {
    for (const [i, sql] of BRIDGE_MIGRATIONS.entries()) {
      if (i + 1 <= current) continue
      db.exec(sql.sqlite)
      db.prepare('insert into bridge_schema_version (version) values (?)').run(i + 1)
    }
  })()
}

/**
 * A SUMMARY_COLUMNS row read as an array (better-sqlite3's raw mode): full reconciles read every
 * record, and building one object per row only to copy it into another costs 2–4× the read.
 */
const rawSummary = (r: unknown[]): RecordSummary => ({
  kind: r[0] as BridgeKind,
  crdtId: String(r[1]),
  bookId: String(r[2]),
  parentId: (r[3] as string | null) ?? null,
  crmId: (r[4] as string | null) ?? null,
  agreed: Number(r[5]) === 1,
  crmModifiedAt: r[6] === null || r[6] === undefined ? null : Number(r[6]),
  crmHash: (r[7] as string | null) ?? null,
  bookHash: (r[8] as string | null) ?? null,
  archived: Number(r[9]) === 1,
  parentCrmId: (r[10] as string | null) ?? null,
  updatedAt: Number(r[11]),
})

/** A row read without its base (SUMMARY_COLUMNS): the record's state but `agreed` for the base. */
export const toSummary = (r: Row): RecordSummary => ({ ...stateColumns(r), agreed: Number(r['agreed']) === 1 || r['agreed'] === true })

export const toRecord = (r: Row): RecordState => ({
  ...stateColumns(r),
  base: r['base'] ? (JSON.parse(String(r['base'])) as RecordState['base']) : null,
})

/** The columns a summary and a full record share (everything but the base). */
const stateColumns = (r: Row): Omit<RecordState, 'base'> => ({
  kind: r['kind'] as BridgeKind,
  crdtId: String(r['crdt_id']),
  bookId: String(r['book_id']),
  parentId: (r['parent_id'] as string | null) ?? null,
  crmId: (r['crm_id'] as string | null) ?? null,
  crmModifiedAt: r['crm_modified_at'] === null || r['crm_modified_at'] === undefined ? null : Number(r['crm_modified_at']),
  crmHash: (r['crm_hash'] as string | null) ?? null,
  bookHash: (r['book_hash'] as string | null) ?? null,
  archived: Number(r['archived']) === 1 || r['archived'] === true,
  parentCrmId: (r['parent_crm_id'] as string | null) ?? null,
  updatedAt: Number(r['updated_at']),
})

export const recordParams = (r: RecordState): unknown[] => [
  r.kind, r.crdtId, r.bookId, r.parentId, r.crmId, r.base ? JSON.stringify(r.base) : null, r.crmModifiedAt,
  r.crmHash, r.bookHash, r.archived ? 1 : 0, r.parentCrmId, r.updatedAt,
]

export const toConflict = (r: Row): ConflictEntry => ({
  id: Number(r['id']),
  bookId: String(r['book_id']),
  kind: r['kind'] as BridgeKind,
  crdtId: String(r['crdt_id']),
  field: String(r['field']),
  property: String(r['property']),
  base: (r['base'] as string | null) ?? null,
  bookValue: (r['book_value'] as string | null) ?? null,
  crmValue: (r['crm_value'] as string | null) ?? null,
  bookBy: (r['book_by'] as string | null) ?? null,
  bookAt: r['book_at'] === null ? null : Number(r['book_at']),
  crmBy: (r['crm_by'] as string | null) ?? null,
  crmAt: r['crm_at'] === null ? null : Number(r['crm_at']),
  policy: String(r['policy']),
  winner: r['winner'] as ConflictEntry['winner'],
  result: (r['result'] as string | null) ?? null,
  at: Number(r['at']),
})

export const conflictParams = (c: ConflictEntry): unknown[] => [
  c.bookId, c.kind, c.crdtId, c.field, c.property, c.base, c.bookValue, c.crmValue, c.bookBy, c.bookAt, c.crmBy, c.crmAt,
  c.policy, c.winner, c.result, c.at,
]

export const toOutbox = (r: Row): OutboxEntry => ({
  kind: r['kind'] as BridgeKind,
  crdtId: String(r['crdt_id']),
  bookId: String(r['book_id']),
  enqueuedAt: Number(r['enqueued_at']),
  attempts: Number(r['attempts']),
  nextAttemptAt: Number(r['next_attempt_at']),
  lastError: (r['last_error'] as string | null) ?? null,
})

export const toDeadLetter = (r: Row): DeadLetter => ({
  id: Number(r['id']),
  kind: r['kind'] as BridgeKind,
  crdtId: String(r['crdt_id']),
  bookId: String(r['book_id']),
  code: String(r['code']),
  message: String(r['message']),
  payload: JSON.parse(String(r['payload'])) as unknown,
  at: Number(r['at']),
})

export const toAttention = (r: Row): AttentionEntry => ({
  bookId: String(r['book_id']),
  kind: r['kind'] as BridgeKind,
  crdtId: String(r['crdt_id']),
  issues: JSON.parse(String(r['issues'])) as AttentionEntry['issues'],
  at: Number(r['at']),
})

const RECORD_COLUMNS = 'kind, crdt_id, book_id, parent_id, crm_id, base, crm_modified_at, crm_hash, book_hash, archived, parent_crm_id, updated_at'
/** Every column but the base, which is only tested for presence. rawSummary reads them by position. */
export const SUMMARY_COLUMNS = 'kind, crdt_id, book_id, parent_id, crm_id, base is not null as agreed, crm_modified_at, crm_hash, book_hash, archived, parent_crm_id, updated_at'
const CONFLICT_COLUMNS = 'book_id, kind, crdt_id, field, property, base, book_value, crm_value, book_by, book_at, crm_by, crm_at, policy, winner, result, at'

export interface SqliteBridgeStateStoreOptions {
  readonly closeDb?: boolean
  /** The WAL fsync after each write (tests observe it). */
  readonly fsync?: WalSyncOptions['fsync']
}

export function createSqliteBridgeStateStore(db: Db, opts: SqliteBridgeStateStoreOptions = {}): BridgeStateStore {
  try {
    migrateBridgeSqlite(db)
  } catch (cause) {
    throw new BridgeError('state-store', 'cannot prepare the bridge tables', { cause })
  }
  // Durable when they resolve, their fsync off the event loop the relay shares (sqlite-wal-sync.ts).
  const { write: durably, close: closeDurable } = createDurableWrite(db, { fsync: opts.fsync })
  const chunks = <T>(list: readonly T[], n = 500): T[][] => {
    const out: T[][] = []
    for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n))
    return out
  }
  const inList = (n: number) => Array.from({ length: n }, () => '?').join(',')
  const putRecord = db.prepare(`insert or replace into bridge_records (${RECORD_COLUMNS}) values (${inList(12)})`)
  const unlinkCrm = db.prepare('update bridge_records set crm_id = null where kind = ? and crm_id = ? and crdt_id <> ?')
  const putOutbox = db.prepare('insert or replace into bridge_outbox (kind, crdt_id, book_id, enqueued_at, attempts, next_attempt_at, last_error) values (?,?,?,?,?,?,?)')
  const delOutbox = db.prepare('delete from bridge_outbox where kind = ? and crdt_id = ?')
  const addConflict = db.prepare(`insert into bridge_conflicts (${CONFLICT_COLUMNS}) values (${inList(16)})`)
  const clearAttention = db.prepare('delete from bridge_attention where kind = ? and crdt_id = ?')
  const anyAttention = db.prepare('select exists (select 1 from bridge_attention where kind = ?) as found').pluck()
  const getCursor = db.prepare<[string], { value: string }>('select value from bridge_cursors where name = ?')
  const setCursor = db.prepare('insert into bridge_cursors (name, value) values (?, ?) on conflict(name) do update set value = excluded.value')
  const forgetDeliveries = db.prepare('delete from bridge_webhook_deliveries where at < ?')
  const addDelivery = db.prepare('insert or ignore into bridge_webhook_deliveries (key, at) values (?, ?)')
  const rememberDelivery = db.transaction((key: string, at: number, horizonMs: number): boolean => {
    forgetDeliveries.run(at - horizonMs)
    return addDelivery.run(key, at).changes === 1
  })

  return {
    async getRecords(kind, ids) {
      const out = new Map<string, RecordState>()
      for (const part of chunks(ids)) {
        const rows = db.prepare(`select * from bridge_records where kind = ? and crdt_id in (${inList(part.length)})`).all(kind, ...part) as Row[]
        for (const r of rows) out.set(String(r['crdt_id']), toRecord(r))
      }
      return out
    },
    async getRecordsByCrmId(kind, crmIds) {
      const out = new Map<string, RecordState>()
      for (const part of chunks(crmIds)) {
        const rows = db.prepare(`select * from bridge_records where kind = ? and crm_id in (${inList(part.length)})`).all(kind, ...part) as Row[]
        for (const r of rows) out.set(String(r['crm_id']), toRecord(r))
      }
      return out
    },
    async listSummaries(filter = {}) {
      const where: string[] = []
      const params: unknown[] = []
      if (filter.kind) where.push('kind = ?') && params.push(filter.kind)
      if (filter.bookId) where.push('book_id = ?') && params.push(filter.bookId)
      const sql = `select ${SUMMARY_COLUMNS} from bridge_records${where.length ? ` where ${where.join(' and ')}` : ''}`
      return (db.prepare(sql).raw(true).all(...params) as unknown[][]).map(rawSummary)
    },
    async putRecords(list) {
      await durably(db.transaction(() => {
        for (const r of list) {
          if (r.crmId) unlinkCrm.run(r.kind, r.crmId, r.crdtId)
          putRecord.run(...recordParams(r))
        }
      }))
    },
    async getCursor(name) {
      return getCursor.get(name)?.value ?? null
    },
    async setCursor(name, value) {
      await durably(() => setCursor.run(name, value))
    },
    async putOutbox(entries) {
      await durably(db.transaction(() => {
        for (const e of entries) putOutbox.run(e.kind, e.crdtId, e.bookId, e.enqueuedAt, e.attempts, e.nextAttemptAt, e.lastError)
      }))
    },
    async listOutbox(limit, dueAt = Number.MAX_SAFE_INTEGER) {
      return (db.prepare('select * from bridge_outbox where next_attempt_at <= ? order by next_attempt_at, enqueued_at, kind, crdt_id limit ?')
        .all(dueAt, limit) as Row[]).map(toOutbox)
    },
    async countOutbox() {
      return (db.prepare('select count(*) as n from bridge_outbox').get() as { n: number }).n
    },
    async deleteOutbox(keys) {
      await durably(db.transaction(() => {
        for (const k of keys) delOutbox.run(k.kind, k.crdtId)
      }))
    },
    async addDeadLetter(e) {
      await durably(() => db.prepare('insert into bridge_dead_letters (kind, crdt_id, book_id, code, message, payload, at) values (?,?,?,?,?,?,?)')
        .run(e.kind, e.crdtId, e.bookId, e.code, e.message, JSON.stringify(e.payload ?? null), e.at))
    },
    async listDeadLetters(limit) {
      return (db.prepare('select * from bridge_dead_letters order by id desc limit ?').all(limit) as Row[]).map(toDeadLetter)
    },
    async addConflicts(entries) {
      await durably(db.transaction(() => {
        for (const c of entries) addConflict.run(...conflictParams(c))
      }))
    },
    async listConflicts(bookId, { limit, offset = 0 }) {
      return (db.prepare('select * from bridge_conflicts where book_id = ? order by id desc limit ? offset ?').all(bookId, limit, offset) as Row[]).map(toConflict)
    },
    async setAttention(e) {
      await durably(() => db.prepare('insert or replace into bridge_attention (kind, crdt_id, book_id, issues, at) values (?,?,?,?,?)')
        .run(e.kind, e.crdtId, e.bookId, JSON.stringify(e.issues), e.at))
    },
    async clearAttention(kind, ids) {
      // Called for every settled batch; almost always there is nothing to clear, and then no write.
      if (ids.length === 0 || !anyAttention.get(kind)) return
      await durably(db.transaction(() => {
        for (const id of ids) clearAttention.run(kind, id)
      }))
    },
    async listAttention(bookId) {
      return (db.prepare('select * from bridge_attention where book_id = ? order by at desc').all(bookId) as Row[]).map(toAttention)
    },
    async rememberDelivery(key, at, horizonMs) {
      return durably(() => rememberDelivery(key, at, horizonMs))
    },
    async counts() {
      const n = (table: string) => (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n
      return {
        records: n('bridge_records'), outbox: n('bridge_outbox'), deadLetters: n('bridge_dead_letters'),
        conflicts: n('bridge_conflicts'), attention: n('bridge_attention'),
      }
    },
    async close() {
      await closeDurable()
      if (opts.closeDb) db.close()
    },
  }
}
