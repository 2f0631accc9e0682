// Reads on the worker thread (started from source through its tsx loader): the same answers as
// reading the document here, with the updates a dormant book took since its encoding applied, an
// update Yjs throws on counted, and typed errors for a failed job and after close().
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createCustomer, initBook } from '@crm-sync/model'
import { halfAppliableUpdate } from '../testing/half-appliable-update'
import { parseAnswer, runBookQuery } from './book-query'
import { BookQueryError, bookQueryRunnerFor, createWorkerBookQueryRunner } from './book-query-runner'

/** A book's encoded state, and a later copy of it whose edits are collected as its tail. */
const dormantBook = () => {
  const doc = new Y.Doc()
  initBook(doc, { name: 'Worker' })
  const first = createCustomer(doc, { name: 'Encoded Ltd' }, { by: 'alice' })
  const base = Y.encodeStateAsUpdate(doc)
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  const second = createCustomer(doc, { name: 'Tail GmbH' }, { by: 'bob' })
  return { doc, base, updates, first, second }
}

describe('createWorkerBookQueryRunner', () => {
  it('answers from the encoded state with the tail applied, as reading the document here does', async () => {
    const { doc, base, updates, second } = dormantBook()
    const runner = createWorkerBookQueryRunner()
    try {
      const list = await runner.run({ base, updates }, { kind: 'customers', includeArchived: false })
      expect(list).toEqual({ ...runBookQuery(doc, { kind: 'customers', includeArchived: false }), unappliable: 0 })
      expect(parseAnswer(list.body!).customers).toHaveLength(2)
      const one = await runner.run({ base, updates }, { kind: 'customer', id: second })
      expect(parseAnswer(one.body!)).toMatchObject({ id: second, name: 'Tail GmbH' })
      expect((await runner.run({ base, updates }, { kind: 'customer', id: 'missing' })).body).toBeNull()
      expect(base.byteLength).toBeGreaterThan(0) // copied, not handed over: the book keeps serving from it
    } finally {
      await runner.close()
    }
  }, 30_000)

  it('keeps what Yjs integrated of an update it throws on, applies the rest, and counts it', async () => {
    const { doc, base, updates } = dormantBook()
    const runner = createWorkerBookQueryRunner()
    try {
      const answer = await runner.run({ base, updates: [halfAppliableUpdate(), ...updates] }, { kind: 'customers', includeArchived: false })
      expect(answer.unappliable).toBe(1)
      expect(answer.body).toEqual(runBookQuery(doc, { kind: 'customers', includeArchived: false }).body)
    } finally {
      await runner.close()
    }
  }, 30_000)

  it('rejects with BookQueryError "failed" when the bytes are not a book, and "closed" after close()', async () => {
    const runner = createWorkerBookQueryRunner()
    const failed = runner.run({ base: new Uint8Array([1, 2, 3]), updates: [] }, { kind: 'customers', includeArchived: false })
    await expect(failed).rejects.toBeInstanceOf(BookQueryError)
    await expect(failed).rejects.toMatchObject({ code: 'failed' })
    await runner.close()
    await expect(runner.run(dormantBook(), { kind: 'customers', includeArchived: false })).rejects.toMatchObject({ name: 'BookQueryError', code: 'closed' })
  }, 30_000)

  it('is made only where the process has a core to spare', async () => {
    expect(bookQueryRunnerFor(1)).toBeNull()
    const runner = bookQueryRunnerFor(2)
    expect(runner).not.toBeNull()
    await runner!.close()
  })
})
