// Persists the emulator's state to a SQLite file (better-sqlite3, synchronous) so a demo
// back office survives a restart. One table of JSON rows keyed by kind and key.
import Database from 'better-sqlite3'
import type { PersistedKind, Persistence } from './persistence'

export function createSqlitePersistence(file: string): Persistence {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(`CREATE TABLE IF NOT EXISTS crm_rows (
    kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, key)
  )`)
  const put = db.prepare<[string, string, string]>(
    'INSERT INTO crm_rows (kind, key, value) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value',
  )
  const remove = db.prepare<[string, string]>('DELETE FROM crm_rows WHERE kind = ? AND key = ?')
  const load = db.prepare<[string], { key: string; value: string }>('SELECT key, value FROM crm_rows WHERE kind = ? ORDER BY rowid')
  const clear = db.prepare<[string]>('DELETE FROM crm_rows WHERE kind = ?')
  let open = true
  return {
    put: (kind: PersistedKind, key, value) => void put.run(kind, key, JSON.stringify(value)),
    remove: (kind: PersistedKind, key) => void remove.run(kind, key),
    load: (kind: PersistedKind) => load.all(kind).map((row) => [row.key, JSON.parse(row.value) as unknown]),
    clear: (kinds) => {
      for (const kind of kinds) clear.run(kind)
    },
    transaction: (fn) => db.transaction(fn)(),
    close: () => {
      if (open) db.close()
      open = false
    },
  }
}
