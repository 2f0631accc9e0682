// The app's URLs. Real paths (not #hashes) so links can be shared; the server and the service
// worker answer every one of them with the app shell, and /auth/callback too (the OpenID Connect
// redirect URI, lib/oidc-sign-in.ts), which crm-app handles before routing (to home, then onwards).

export type Route =
  | { readonly view: 'home' }
  | { readonly view: 'book'; readonly bookId: string }
  | { readonly view: 'customer'; readonly bookId: string; readonly customerId: string }
  | { readonly view: 'new-customer'; readonly bookId: string }
  | { readonly view: 'import'; readonly bookId: string }

export type BookRoute = Exclude<Route, { view: 'home' }>

const seg = (s: string) => encodeURIComponent(s)

export function routePath(route: Route): string {
  switch (route.view) {
    case 'home': return '/'
    case 'book': return `/books/${seg(route.bookId)}`
    case 'customer': return `/books/${seg(route.bookId)}/customers/${seg(route.customerId)}`
    case 'new-customer': return `/books/${seg(route.bookId)}/new`
    case 'import': return `/books/${seg(route.bookId)}/import`
  }
}

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter((p) => p !== '').map((p) => {
    try {
      return decodeURIComponent(p)
    } catch {
      return p
    }
  })
  if (parts[0] !== 'books' || !parts[1]) return { view: 'home' }
  const bookId = parts[1]
  if (parts.length === 2) return { view: 'book', bookId }
  if (parts[2] === 'customers' && parts[3] && parts.length === 4) return { view: 'customer', bookId, customerId: parts[3] }
  if (parts[2] === 'new' && parts.length === 3) return { view: 'new-customer', bookId }
  if (parts[2] === 'import' && parts.length === 3) return { view: 'import', bookId }
  return { view: 'book', bookId }
}
