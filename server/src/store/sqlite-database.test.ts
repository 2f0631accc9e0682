// The SQLite file itself: pragmas that durability rests on, migrations that are idempotent and
// atomic, and the DocStore and BookDirectory sharing one handle.
import { afterAll, describe, expect, it } from 'vitest'
import { expectStoreError } from './expect-store-error'
import { createSqliteBookDirectory } from './sqlite-book-directory'
import { openSqliteDatabase } from './sqlite-database'
import { createSqliteDocStore } from './sqlite-doc-store'
import { migrateSqlite, SQLITE_MIGRATIONS } from './sqlite-migrations'
import { createSqliteTempFiles } from './sqlite-temp-files'

const files = createSqliteTempFiles('database')
afterAll(() => files.cleanup())

const tablesOf = (db: ReturnType<typeof openSqliteDatabase>) =>
  db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all()

describe('openSqliteDatabase', () => {
  it('turns on WAL, synchronous FULL, a busy timeout and foreign keys', async () => {
    const db = openSqliteDatabase(await files.newPath())
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('synchronous', { simple: true })).toBe(2) // FULL
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000)
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    db.close()
  })

  it('runs migrations once: opening again (even while open) changes nothing and keeps data', async () => {
    const path = await files.newPath()
    const first = openSqliteDatabase(path)
    expect(first.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length)
    expect(tablesOf(first)).toEqual(['book_log', 'books', 'members', 'snapshot_parts', 'snapshots'])
    const store = createSqliteDocStore(first)
    await store.append('b', [{ userId: 'u', update: new Uint8Array([7]) }])
    await store.close()

    const second = openSqliteDatabase(path)
    migrateSqlite(second)
    expect(second.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length)
    expect(tablesOf(second)).toEqual(['book_log', 'books', 'members', 'snapshot_parts', 'snapshots'])
    first.close()
    second.close()
    const third = openSqliteDatabase(path)
    expect((await createSqliteDocStore(third).load('b')).headSeq).toBe(1)
    third.close()
  })

  it('rolls a failed migration back whole and keeps the previous version', async () => {
    const db = openSqliteDatabase(await files.newPath())
    const broken = [...SQLITE_MIGRATIONS, { name: 'broken', sql: 'CREATE TABLE extra (a); SELECT nope FROM missing;' }]
    expect(() => migrateSqlite(db, broken)).toThrowError(`migration ${SQLITE_MIGRATIONS.length + 1} (broken) failed`)
    expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length)
    expect(tablesOf(db)).not.toContain('extra')
    db.close()
  })

  it("refuses a database written by a newer schema with 'invalid'", async () => {
    const path = await files.newPath()
    const db = openSqliteDatabase(path)
    db.pragma(`user_version = ${SQLITE_MIGRATIONS.length + 1}`)
    db.close()
    await expectStoreError(Promise.resolve().then(() => openSqliteDatabase(path)), 'invalid')
  })

  it('lets the DocStore and the BookDirectory share one file and handle', async () => {
    const path = await files.newPath()
    let db = openSqliteDatabase(path)
    let docs = createSqliteDocStore(db)
    let books = createSqliteBookDirectory(db)
    await books.createBook({ id: 'b', name: 'north', createdBy: 'alice' })
    await docs.append('b', [{ userId: 'alice', update: new Uint8Array([1]) }])
    await docs.close()
    expect(await books.roleOf('b', 'alice')).toBe('owner') // the handle outlives the DocStore
    await books.close()
    db.close()

    db = openSqliteDatabase(path)
    docs = createSqliteDocStore(db)
    books = createSqliteBookDirectory(db)
    expect(await books.getBook('b')).toMatchObject({ name: 'north' })
    expect((await docs.load('b')).headSeq).toBe(1)
    db.close()
  })
})
