// BridgeStateStore on PostgreSQL (DATABASE_URL), in the bridge's own tables with their own
// version bookkeeping (bridge_schema_version), migrated under an advisory lock so that several
// instances starting at once apply each step exactly once.
import type { Pool, PoolClient, QueryResultRow } from 'pg'
import { inTransaction, queryUnhurried } from '../store/postgres-transaction'
import { BridgeError } from './bridge-error'
import { BRIDGE_MIGRATIONS } from './bridge-migrations'
import type { BridgeStateStore, RecordState } from './bridge-state-store'
import {
  conflictParams, recordParams, SUMMARY_COLUMNS, toAttention, toConflict, toDeadLetter, toOutbox, toRecord, toSummary,
} from './sqlite-bridge-state-store'

const RECORD_COLUMNS = 'kind, crdt_id, book_id, parent_id, crm_id, base, crm_modified_at, crm_hash, book_hash, archived, parent_crm_id, updated_at'
const CONFLICT_COLUMNS = 'book_id, kind, crdt_id, field, property, base, book_value, crm_value, book_by, book_at, crm_by, crm_at, policy, winner, result, at'
const placeholders = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `$${i + from}`).join(',')

export async function migrateBridgePostgres(pool: Pool): Promise<void> {
  try {
    await inTransaction(pool, async (client) => {
      // Neither the pool's statement_timeout nor its answer deadline: another instance may hold
      // the lock for a while.
      const query = <R extends QueryResultRow>(text: string, values?: unknown[]) => queryUnhurried<R>(client, text, values)
      await query('set local statement_timeout = 0')
      await query("select pg_advisory_xact_lock(hashtext('crm_bridge_schema'))")
      await query('create table if not exists bridge_schema_version (version integer not null)')
      const { rows } = await query<{ v: number | null }>('select max(version) as v from bridge_schema_version')
      const current = rows[0]?.v ?? 0
      for (const [i, m] of BRIDGE_MIGRATIONS.entries()) {
        if (i + 1 <= current) continue
        await query(m.postgres)
        await query('insert into bridge_schema_version (version) values ($1)', [i + 1])
      }
    })
  } catch (cause) {
    throw new BridgeError('state-store', 'cannot prepare the bridge tables', { cause })
  }
}

export async function createPostgresBridgeStateStore(pool: Pool, opts: { endPool?: boolean } = {}): Promise<BridgeStateStore> {
  await migrateBridgePostgres(pool)
  // The stores' own transaction: a connection left unsure (a failed rollback, a query never
  // answered) is dropped, not handed to the next caller.
  const tx = <T>(fn: (c: PoolClient) => Promise<T>): Promise<T> => inTransaction(pool, fn)
  const fixRecord = (r: Record<string, unknown>): RecordState => toRecord(r)

  return {
    async getRecords(kind, ids) {
      const { rows } = await pool.query('select * from bridge_records where kind = $1 and crdt_id = any($2)', [kind, [...ids]])
      return new Map(rows.map((r) => [String(r['crdt_id']), fixRecord(r)]))
    },
    async getRecordsByCrmId(kind, crmIds) {
      const { rows } = await pool.query('select * from bridge_records where kind = $1 and crm_id = any($2)', [kind, [...crmIds]])
      return new Map(rows.map((r) => [String(r['crm_id']), fixRecord(r)]))
    },
    async listSummaries(filter = {}) {
      const { rows } = await pool.query(
        `select ${SUMMARY_COLUMNS} from bridge_records where ($1::text is null or kind = $1) and ($2::text is null or book_id = $2)`,
        [filter.kind ?? null, filter.bookId ?? null],
      )
      return rows.map(toSummary)
    },
    async putRecords(list) {
      if (list.length === 0) return
      await tx(async (c) => {
        for (const r of list) {
          if (r.crmId) await c.query('update bridge_records set crm_id = null where kind = $1 and crm_id = $2 and crdt_id <> $3', [r.kind, r.crmId, r.crdtId])
          await c.query(
            `insert into bridge_records (${RECORD_COLUMNS}) values (${placeholders(12)})
             on conflict (kind, crdt_id) do update set book_id = excluded.book_id, parent_id = excluded.parent_id,
               crm_id = excluded.crm_id, base = excluded.base, crm_modified_at = excluded.crm_modified_at,
               crm_hash = excluded.crm_hash, book_hash = excluded.book_hash, archived = excluded.archived,
               parent_crm_id = excluded.parent_crm_id, updated_at = excluded.updated_at`,
            recordParams(r),
          )
        }
      })
    },
    async getCursor(name) {
      const { rows } = await pool.query<{ value: string }>('select value from bridge_cursors where name = $1', [name])
      return rows[0]?.value ?? null
    },
    async setCursor(name, value) {
      await pool.query('insert into bridge_cursors (name, value) values ($1, $2) on conflict (name) do update set value = excluded.value', [name, value])
    },
    async putOutbox(entries) {
      if (entries.length === 0) return
      await tx(async (c) => {
        for (const e of entries) {
          await c.query(
            `insert into bridge_outbox (kind, crdt_id, book_id, enqueued_at, attempts, next_attempt_at, last_error) values ($1,$2,$3,$4,$5,$6,$7)
             on conflict (kind, crdt_id) do update set book_id = excluded.book_id, enqueued_at = excluded.enqueued_at,
               attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error`,
            [e.kind, e.crdtId, e.bookId, e.enqueuedAt, e.attempts, e.nextAttemptAt, e.lastError],
          )
        }
      })
    },
    async listOutbox(limit, dueAt = Number.MAX_SAFE_INTEGER) {
      const { rows } = await pool.query('select * from bridge_outbox where next_attempt_at <= $1 order by next_attempt_at, enqueued_at, kind, crdt_id limit $2', [dueAt, limit])
      return rows.map(toOutbox)
    },
    async countOutbox() {
      const { rows } = await pool.query<{ n: string }>('select count(*) as n from bridge_outbox')
      return Number(rows[0]?.n ?? 0)
    },
    async deleteOutbox(keys) {
      if (keys.length === 0) return
      await tx(async (c) => {
        for (const k of keys) await c.query('delete from bridge_outbox where kind = $1 and crdt_id = $2', [k.kind, k.crdtId])
      })
    },
    async addDeadLetter(e) {
      await pool.query('insert into bridge_dead_letters (kind, crdt_id, book_id, code, message, payload, at) values ($1,$2,$3,$4,$5,$6,$7)',
        [e.kind, e.crdtId, e.bookId, e.code, e.message, JSON.stringify(e.payload ?? null), e.at])
    },
    async listDeadLetters(limit) {
      const { rows } = await pool.query('select * from bridge_dead_letters order by id desc limit $1', [limit])
      return rows.map(toDeadLetter)
    },
    async addConflicts(entries) {
      if (entries.length === 0) return
      await tx(async (c) => {
        for (const e of entries) await c.query(`insert into bridge_conflicts (${CONFLICT_COLUMNS}) values (${placeholders(16)})`, conflictParams(e))
      })
    },
    async listConflicts(bookId, { limit, offset = 0 }) {
      const { rows } = await pool.query('select * from bridge_conflicts where book_id = $1 order by id desc limit $2 offset $3', [bookId, limit, offset])
      return rows.map(toConflict)
    },
    async setAttention(e) {
      await pool.query(
        `insert into bridge_attention (kind, crdt_id, book_id, issues, at) values ($1,$2,$3,$4,$5)
         on conflict (kind, crdt_id) do update set book_id = excluded.book_id, issues = excluded.issues, at = excluded.at`,
        [e.kind, e.crdtId, e.bookId, JSON.stringify(e.issues), e.at])
    },
    async clearAttention(kind, ids) {
      if (ids.length === 0) return
      await pool.query('delete from bridge_attention where kind = $1 and crdt_id = any($2)', [kind, [...ids]])
    },
    async listAttention(bookId) {
      const { rows } = await pool.query('select * from bridge_attention where book_id = $1 order by at desc', [bookId])
      return rows.map(toAttention)
    },
    async rememberDelivery(key, at, horizonMs) {
      return tx(async (c) => {
        await c.query('delete from bridge_webhook_deliveries where at < $1', [at - horizonMs])
        const res = await c.query('insert into bridge_webhook_deliveries (key, at) values ($1, $2) on conflict do nothing', [key, at])
        return res.rowCount === 1
      })
    },
    async counts() {
      const { rows } = await pool.query<Record<string, string>>(`select
        (select count(*) from bridge_records) as records, (select count(*) from bridge_outbox) as outbox,
        (select count(*) from bridge_dead_letters) as dead, (select count(*) from bridge_conflicts) as conflicts,
        (select count(*) from bridge_attention) as attention`)
      const r = rows[0] ?? {}
      return {
        records: Number(r['records']), outbox: Number(r['outbox']), deadLetters: Number(r['dead']),
        conflicts: Number(r['conflicts']), attention: Number(r['attention']),
      }
    },
    async close() {
      if (opts.endPool) await pool.end()
    },
  }
}
