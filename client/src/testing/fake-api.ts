// For the controllers' unit tests (Node): a stand-in for the server's REST API behind a stubbed
// `fetch` (dev login, the book list), the tokens it hands out, and a host that counts updates.
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { BookEntry } from '../lib/session-store'

/** An unsigned JWT the client can read the expiry of (the fake API is who checks it). */
export const jwt = (sub: string, expiresInS: number, serial = 0): string =>
  `h.${Buffer.from(JSON.stringify({ sub, exp: Math.floor(Date.now() / 1000) + expiresInS, serial })).toString('base64url')}.s`

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

export interface FakeApi {
  readonly fetch: typeof fetch
  /** Requests by path, e.g. calls['/api/books']. */
  readonly calls: Record<string, number>
  /** Tokens the server takes; every dev login adds one. */
  readonly valid: Set<string>
  /** Memberships by user. */
  readonly books: Record<string, BookEntry[]>
  /** Holds the answers to `path` (e.g. '/api/auth/dev-login') until the returned function is called. */
  hold(path: string): () => void
}

export function fakeApi(books: Record<string, BookEntry[]> = {}): FakeApi {
  const calls: Record<string, number> = {}
  const valid = new Set<string>()
  let serial = 0
  const held = new Map<string, Promise<void>>()
  const api: FakeApi = {
    calls,
    valid,
    books,
    hold(path) {
      let release = () => {}
      held.set(path, new Promise<void>((resolve) => (release = resolve)))
      return () => {
        held.delete(path)
        release()
      }
    },
    fetch: async (input, init) => {
      const path = String(input)
      calls[path] = (calls[path] ?? 0) + 1
      await held.get(path)
      if (path === '/api/auth/dev-login') {
        const { user } = JSON.parse(String(init?.body)) as { user: string }
        const token = jwt(user, 3600, ++serial)
        valid.add(token)
        return json(200, { token, user: { id: user, name: user } })
      }
      const token = new Headers(init?.headers).get('authorization')?.replace(/^Bearer /, '') ?? ''
      if (!valid.has(token)) return json(401, { error: { code: 'expired', message: 'token expired' } })
      const user = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub
      if (path === '/api/books') return json(200, { books: books[user] ?? [] })
      return json(404, { error: { code: 'not-found', message: 'no such endpoint' } })
    },
  }
  return api
}

export interface FakeHost extends ReactiveControllerHost {
  updates: number
}

export const fakeHost = (): FakeHost => {
  const host: FakeHost = {
    updates: 0,
    addController: (_: ReactiveController) => {},
    removeController: (_: ReactiveController) => {},
    requestUpdate: () => void host.updates++,
    updateComplete: Promise.resolve(true),
  }
  return host
}

export const memoryStorage = () => {
  const m = new Map<string, string>()
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) }
}
