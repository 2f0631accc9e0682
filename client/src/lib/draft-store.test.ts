// Unsaved form text in the tab's storage: per user and book, unreadable or refused storage never
// breaks the form, sign-out forgets every user's text, and removing a book from the device its text.
import { describe, expect, it, vi } from 'vitest'
import { DraftStore, PersistedTexts, forgetAllDrafts, forgetBookDrafts, type DraftStorage } from './draft-store'

/** The Web Storage interface over a Map (what sessionStorage does, without a browser). */
class MapStorage implements DraftStorage {
  readonly items = new Map<string, string>()
  refuseWrites = false
  get length(): number {
    return this.items.size
  }
  key(i: number): string | null {
    return [...this.items.keys()][i] ?? null
  }
  getItem(k: string): string | null {
    return this.items.get(k) ?? null
  }
  setItem(k: string, v: string): void {
    if (this.refuseWrites) throw new DOMException('quota', 'QuotaExceededError')
    this.items.set(k, v)
  }
  removeItem(k: string): void {
    this.items.delete(k)
  }
}

describe('DraftStore', () => {
  it('gives a form back to the same user and book only', () => {
    const s = new MapStorage()
    new DraftStore(s, 'alice', 'north').writeForm('new-customer', { values: { name: 'Acme' }, drafts: { email: 'x@' }, extra: { status: 'prospect' } })
    expect(new DraftStore(s, 'alice', 'north').readForm('new-customer')).toEqual({ values: { name: 'Acme' }, drafts: { email: 'x@' }, extra: { status: 'prospect' } })
    expect(new DraftStore(s, 'bob', 'north').readForm('new-customer')).toEqual({ values: {}, drafts: {} })
    expect(new DraftStore(s, 'alice', 'south').readForm('new-customer')).toEqual({ values: {}, drafts: {} })
  })

  it('keeps no entry for an empty form, and clears one', () => {
    const s = new MapStorage()
    const d = new DraftStore(s, 'alice', 'north')
    d.writeForm('f', { values: { a: '1' }, drafts: {} })
    expect(s.items.size).toBe(1)
    d.writeForm('f', { values: {}, drafts: {}, extra: {} })
    expect(s.items.size).toBe(0)
    d.writeTexts('t', { k: 'v' })
    d.clear('t')
    expect(s.items.size).toBe(0)
  })

  it('reads what it cannot use as nothing: broken JSON, wrong shapes, non-text values', () => {
    const s = new MapStorage()
    const d = new DraftStore(s, 'alice', 'north')
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    d.writeForm('f', { values: { a: '1' }, drafts: {} })
    const key = [...s.items.keys()][0]!
    s.items.set(key, '{not json')
    expect(d.readForm('f')).toEqual({ values: {}, drafts: {} })
    s.items.set(key, JSON.stringify({ values: ['a'], drafts: { ok: 'yes', n: 5, o: {} }, extra: null }))
    expect(d.readForm('f')).toEqual({ values: {}, drafts: { ok: 'yes' }, extra: {} })
    s.items.set(key, '"text"')
    expect(d.readForm('f')).toEqual({ values: {}, drafts: {} })
    expect(d.readTexts('f')).toEqual({})
    warn.mockRestore()
  })

  it('does not throw when the storage refuses a write (full or disabled) or is missing', () => {
    const s = new MapStorage()
    s.refuseWrites = true
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(() => new DraftStore(s, 'alice', 'north').writeForm('f', { values: { a: '1' }, drafts: {} })).not.toThrow()
    expect(warn).toHaveBeenCalled()
    warn.mockRestore()
    const none = new DraftStore(null, 'alice', 'north')
    none.writeForm('f', { values: { a: '1' }, drafts: {} })
    expect(none.readForm('f')).toEqual({ values: {}, drafts: {} })
  })

  it('keeps user and book ids with separators apart', () => {
    const s = new MapStorage()
    new DraftStore(s, 'a:b', 'c').writeTexts('t', { k: '1' })
    expect(new DraftStore(s, 'a', 'b:c').readTexts('t')).toEqual({})
  })
})

describe('PersistedTexts', () => {
  it('is kept on every change and read back by the next one', () => {
    const s = new MapStorage()
    const texts = new PersistedTexts(new DraftStore(s, 'alice', 'north'), 'fields')
    texts.set('c1/phone', '12')
    texts.set('c2/email', 'x@')
    texts.delete('c2/email')
    const again = new PersistedTexts(new DraftStore(s, 'alice', 'north'), 'fields')
    expect(again.get('c1/phone')).toBe('12')
    expect(again.get('c2/email')).toBeUndefined()
    again.delete('c1/phone')
    expect(s.items.size).toBe(0)
  })
})

describe('forgetAllDrafts', () => {
  it("removes every user's unsaved text and nothing else", () => {
    const s = new MapStorage()
    new DraftStore(s, 'alice', 'north').writeTexts('fields', { k: '1' })
    new DraftStore(s, 'bob', 'south').writeForm('new-customer', { values: { name: 'B' }, drafts: {} })
    s.setItem('crm:session', 'keep me')
    forgetAllDrafts(s)
    expect([...s.items.keys()]).toEqual(['crm:session'])
  })
})

describe('forgetBookDrafts', () => {
  it("removes the user's unsaved text of that book only", () => {
    const s = new MapStorage()
    new DraftStore(s, 'alice', 'north').writeTexts('fields', { k: '1' })
    new DraftStore(s, 'alice', 'north').writeForm('new-customer', { values: { name: 'A' }, drafts: {} })
    new DraftStore(s, 'alice', 'north-2').writeTexts('fields', { k: '2' }) // a book id the first one starts
    new DraftStore(s, 'alice', 'south').writeTexts('fields', { k: '3' })
    new DraftStore(s, 'bob', 'north').writeTexts('fields', { k: '4' })
    forgetBookDrafts(s, 'alice', 'north')
    expect(new DraftStore(s, 'alice', 'north').readTexts('fields')).toEqual({})
    expect(new DraftStore(s, 'alice', 'north').readForm('new-customer')).toEqual({ values: {}, drafts: {} })
    expect(new DraftStore(s, 'alice', 'north-2').readTexts('fields')).toEqual({ k: '2' })
    expect(new DraftStore(s, 'alice', 'south').readTexts('fields')).toEqual({ k: '3' })
    expect(new DraftStore(s, 'bob', 'north').readTexts('fields')).toEqual({ k: '4' })
  })
})
