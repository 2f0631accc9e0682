import { describe, expect, it } from 'vitest'
import { parseRoute, routePath, type Route } from './routes'

describe('routes', () => {
  it('round-trips every route, ids with odd characters included', () => {
    const routes: Route[] = [
      { view: 'home' },
      { view: 'book', bookId: 'north-territory' },
      { view: 'customer', bookId: 'b.1', customerId: '0190a/x y' },
      { view: 'new-customer', bookId: 'b' },
      { view: 'import', bookId: 'b' },
    ]
    for (const r of routes) expect(parseRoute(routePath(r))).toEqual(r)
  })

  it('falls back to the book or home for unknown paths', () => {
    expect(parseRoute('/books/b/whatever/else')).toEqual({ view: 'book', bookId: 'b' })
    expect(parseRoute('/nope')).toEqual({ view: 'home' })
    // The OpenID Connect callback is no view of its own: crm-app completes the sign-in, then routes.
    expect(parseRoute('/auth/callback')).toEqual({ view: 'home' })
  })
})
