// Serves the built web app (client/dist) with a fallback to index.html for client-side routes.
import { existsSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serveStatic } from '@hono/node-server/serve-static'
import type { MiddlewareHandler } from 'hono'

/**
 * client/dist of the repository holding `fromDir`: the nearest ancestor with client/package.json.
 * Searched rather than a fixed `../..`, since this module runs from server/src/http under tsx and
 * from server/dist as part of the bundle `npm start` builds (build-server.ts).
 */
export const findClientDist = (fromDir: string): string | null => {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'client', 'package.json'))) return join(dir, 'client', 'dist')
    if (dirname(dir) === dir) return null
  }
}

const HERE = fileURLToPath(new URL('.', import.meta.url))
export const CLIENT_DIST = findClientDist(HERE) ?? join(HERE, 'client-dist-not-found')

export const createStaticApp = (dist = CLIENT_DIST): MiddlewareHandler => {
  const root = relative(process.cwd(), dist) || '.'
  const files = serveStatic({ root })
  const index = serveStatic({ root, path: 'index.html' })
  const nothing = async () => {}
  return async (c, next) => {
    if (!existsSync(dist)) return c.text('The web app is not built yet: run `npm run build --workspace client`.', 503)
    const file = await files(c, nothing)
    if (file) return file
    // Client-side routes (/books/x/customers/y) get the app shell; the app routes from there.
    if (c.req.method !== 'GET' || c.req.path.startsWith('/api/')) return next()
    return (await index(c, nothing)) ?? next()
  }
}
