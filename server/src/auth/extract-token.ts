// A token may come as a cookie (browsers), an Authorization header (services) or ?token=
// (y-websocket clients, which cannot set headers in browsers).

export const TOKEN_COOKIE = 'crm_token'

export interface TokenSources {
  readonly authorization?: string | null | undefined
  readonly cookie?: string | null | undefined
  readonly url?: string | URL | null | undefined
}

const fromCookie = (header: string): string | undefined => {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === TOKEN_COOKIE) {
      const value = part.slice(eq + 1).trim()
      try {
        return decodeURIComponent(value)
      } catch {
        return value
      }
    }
  }
  return undefined
}

export const extractToken = ({ authorization, cookie, url }: TokenSources): string | undefined => {
  const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1]
  if (bearer) return bearer
  if (url) {
    const query = (typeof url === 'string' ? new URL(url, 'http://relay.invalid') : url).searchParams.get('token')
    if (query) return query
  }
  return cookie ? fromCookie(cookie) : undefined
}
