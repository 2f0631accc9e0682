// Whose are the per-book databases from before: the first user to open a book with this version
// claims them, and only their store adopts them; looking and removing never adopt.
import { DEFAULT_DATABASE_PREFIX } from '@crm-sync/sync-client'
import { describe, expect, it } from 'vitest'
import { LEGACY_OWNER_KEY, openingStoreOptions, userChannel, userStoreOptions } from './local-books'

const memoryStorage = () => {
  const items = new Map<string, string>()
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items }
}

describe('local books', () => {
  it('lets the first user to open a book adopt the databases from before, and no one else', () => {
    const storage = memoryStorage()
    expect(openingStoreOptions('bob', storage)).toEqual({ databasePrefix: 'crm-sync-book:bob:', adoptFromPrefix: DEFAULT_DATABASE_PREFIX })
    expect(storage.items.get(LEGACY_OWNER_KEY)).toBe('bob')
    expect(openingStoreOptions('alice', storage)).toEqual({ databasePrefix: 'crm-sync-book:alice:' })
    expect(openingStoreOptions('bob', storage).adoptFromPrefix).toBe(DEFAULT_DATABASE_PREFIX)
  })

  it('adopts nothing without storage to keep the claim in, or when it fails', () => {
    expect(openingStoreOptions('bob', null).adoptFromPrefix).toBeUndefined()
    const broken = { getItem: () => { throw new Error('denied') }, setItem: () => {} }
    expect(openingStoreOptions('bob', broken).adoptFromPrefix).toBeUndefined()
  })

  it('never adopts when looking or removing, and names databases and channels per user', () => {
    expect(userStoreOptions('a b')).toEqual({ databasePrefix: 'crm-sync-book:a%20b:' })
    expect(userChannel('a:b', 'north')).toBe('crm-sync:v2:a%3Ab:north')
  })
})
