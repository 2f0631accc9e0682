// BridgeStateStore in memory: for tests and for a bridge run that may forget everything on exit
// (it then re-links records by crdt_record_id and the content hashes on its next start).
import type {
  AttentionEntry, BridgeStateStore, ConflictEntry, DeadLetter, OutboxEntry, RecordState,
} from './bridge-state-store'
import { recordKey } from './bridge-state-store'
import type { BridgeKind } from './field-map'

export function createMemoryBridgeStateStore(): BridgeStateStore {
  const records = new Map<string, RecordState>()
  const byCrmId = new Map<string, string>()
  const cursors = new Map<string, string>()
  const outbox = new Map<string, OutboxEntry>()
  const dead: DeadLetter[] = []
  const conflicts: ConflictEntry[] = []
  const attention = new Map<string, AttentionEntry>()
  const deliveries = new Map<string, number>()
  let nextId = 1
  const copy = <T>(v: T): T => structuredClone(v)

  return {
    async getRecords(kind, ids) {
      const out = new Map<string, RecordState>()
      for (const id of ids) {
        const r = records.get(recordKey(kind, id))
        if (r) out.set(id, copy(r))
      }
      return out
    },
    async getRecordsByCrmId(kind, crmIds) {
      const out = new Map<string, RecordState>()
      for (const crmId of crmIds) {
        const key = byCrmId.get(`${kind}:${crmId}`)
        const r = key ? records.get(key) : undefined
        if (r) out.set(crmId, copy(r))
      }
      return out
    },
    async listSummaries(filter = {}) {
      return [...records.values()]
        .filter((r) => (!filter.kind || r.kind === filter.kind) && (!filter.bookId || r.bookId === filter.bookId))
        .map(({ base, ...rest }) => ({ ...rest, agreed: base !== null }))
    },
    async putRecords(list) {
      for (const r of list) {
        const key = recordKey(r.kind, r.crdtId)
        const old = records.get(key)
        if (old?.crmId) byCrmId.delete(`${old.kind}:${old.crmId}`)
        if (r.crmId) {
          // A CRM id names one record: a re-link moves it.
          const other = byCrmId.get(`${r.kind}:${r.crmId}`)
          if (other && other !== key) {
            const o = records.get(other)
            if (o) records.set(other, { ...o, crmId: null })
          }
          byCrmId.set(`${r.kind}:${r.crmId}`, key)
        }
        records.set(key, copy(r))
      }
    },
    async getCursor(name) {
      return cursors.get(name) ?? null
    },
    async setCursor(name, value) {
      cursors.set(name, value)
    },
    async putOutbox(entries) {
      for (const e of entries) outbox.set(recordKey(e.kind, e.crdtId), copy(e))
    },
    async listOutbox(limit, dueAt = Infinity) {
      return [...outbox.values()]
        .filter((e) => e.nextAttemptAt <= dueAt)
        .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.enqueuedAt - b.enqueuedAt)
        .slice(0, limit)
        .map(copy)
    },
    async countOutbox() {
      return outbox.size
    },
    async deleteOutbox(keys) {
      for (const k of keys) outbox.delete(recordKey(k.kind, k.crdtId))
    },
    async addDeadLetter(entry) {
      dead.push({ ...copy(entry), id: nextId++ })
    },
    async listDeadLetters(limit) {
      return dead.slice(-limit).reverse().map(copy)
    },
    async addConflicts(entries) {
      for (const e of entries) conflicts.push({ ...copy(e), id: nextId++ })
    },
    async listConflicts(bookId, { limit, offset = 0 }) {
      return conflicts.filter((c) => c.bookId === bookId).reverse().slice(offset, offset + limit).map(copy)
    },
    async setAttention(entry) {
      attention.set(recordKey(entry.kind, entry.crdtId), copy(entry))
    },
    async clearAttention(kind: BridgeKind, ids) {
      for (const id of ids) attention.delete(recordKey(kind, id))
    },
    async listAttention(bookId) {
      return [...attention.values()].filter((a) => a.bookId === bookId).sort((a, b) => b.at - a.at).map(copy)
    },
    async rememberDelivery(key, at, horizonMs) {
      for (const [k, t] of deliveries) if (t < at - horizonMs) deliveries.delete(k)
      if (deliveries.has(key)) return false
      deliveries.set(key, at)
      return true
    },
    async counts() {
      return { records: records.size, outbox: outbox.size, deadLetters: dead.length, conflicts: conflicts.length, attention: attention.size }
    },
    async close() {},
  }
}
