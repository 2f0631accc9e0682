// The few HTTP calls the bench makes to our server: a dev-login token and books to write in.
// Peers need neither (they accept any document name without auth).
import type { ServerProcess } from './server-process'
import type { Target } from './wire'

const post = async (url: string, body: unknown, token?: string): Promise<unknown> => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`POST ${url} → ${res.status} ${await res.text()}`)
  return res.json()
}

export const BENCH_USER = 'alice'

/** The target for clients of `server`; for ours it carries a dev-login token of BENCH_USER. */
export const targetOf = async (server: ServerProcess): Promise<Target> => {
  if (server.kind !== 'ours') return { kind: server.kind, port: server.port }
  const { token } = (await post(`${server.httpUrl}/api/auth/dev-login`, { user: BENCH_USER })) as { token: string }
  return { kind: 'ours', port: server.port, token }
}

/** Makes books exist where the server needs that (ours: created over HTTP, BENCH_USER owns them). */
export const createBooks = async (server: ServerProcess, target: Target, ids: readonly string[], concurrency = 32): Promise<void> => {
  if (server.kind !== 'ours') return
  let next = 0
  const worker = async () => {
    for (let i = next++; i < ids.length; i = next++) {
      await post(`${server.httpUrl}/api/books`, { id: ids[i], name: `Bench ${ids[i]}` }, target.token)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker))
}
