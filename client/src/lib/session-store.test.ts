import { describe, expect, it } from 'vitest'
import { SessionStore, tokenExpiry } from './session-store'

const memory = () => {
  const m = new Map<string, string>()
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) }
}

describe('session store', () => {
  it('keeps the session and each user\'s books, and ignores garbage', () => {
    const storage = memory()
    const store = new SessionStore(storage)
    expect(store.loadSession()).toBeNull()
    store.saveSession({ userId: 'alice', name: 'Alice', token: 't' })
    store.saveBooks('alice', [{ id: 'b', name: 'B', role: 'owner' }])
    const again = new SessionStore(storage)
    expect(again.loadSession()).toEqual({ userId: 'alice', name: 'Alice', token: 't' })
    expect(again.loadBooks('alice')).toEqual([{ id: 'b', name: 'B', role: 'owner' }])
    expect(again.loadBooks('bob')).toBeNull()
    storage.setItem('crm:session', '{not json')
    expect(again.loadSession()).toBeNull()
  })

  it('keeps an OpenID Connect session\'s refresh and ID tokens, and refuses one whose are not strings', () => {
    const store = new SessionStore(memory())
    const oidc = { userId: 'erin', name: 'Erin', token: 'a', issuer: 'https://idp.example.com', refreshToken: 'r', idToken: 'i' }
    store.saveSession(oidc)
    expect(store.loadSession()).toEqual(oidc)
    store.saveSession({ ...oidc, refreshToken: 42 } as unknown as typeof oidc)
    expect(store.loadSession()).toBeNull()
  })

  it('reads a JWT\'s expiry', () => {
    const payload = Buffer.from(JSON.stringify({ sub: 'a', exp: 1_900_000_000 })).toString('base64url')
    expect(tokenExpiry(`h.${payload}.s`)).toBe(1_900_000_000)
    expect(tokenExpiry('garbage')).toBeNull()
  })
})
