// What the import CLI says about an HTTP 431 (request header fields too large). A server or
// proxy that explains itself is quoted; Node answers a request line plus headers over its
// limit (16 KB by default) with a bare 431, so then the CLI names the parts it sent that are
// big enough to be the cause (the mapping travels in the URL, the token in a header), alone
// or together, and blames none it cannot see.
import { describeError } from './cli-common'

/** Sizes in bytes of what the CLI put in the request line and headers. */
export interface RequestParts {
  readonly url: number
  readonly mapping: number
  readonly token: number
}

/** Below this share of what was sent, a part is not worth naming as the cause on its own. */
const CAUSE_SHARE = 0.5
/** Node's default limit on the request line and headers, the one a bare 431 most likely meant. */
const COMMON_LIMIT = 16 * 1024

export function explainRequestTooLarge(body: string, parts: RequestParts): string {
  if (body.trim() !== '') return describeError(431, body)
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
  const total = parts.url + parts.token
  const sent = `the URL is ${kb(parts.url)}, ${kb(parts.mapping)} of it the mapping once encoded; the token is ${kb(parts.token)}`
  const head = `431 the server refused the request line and headers as too large (often a 16 KB limit), without saying which part: ${sent}`
  if (parts.mapping >= CAUSE_SHARE * total) return `${head}. The mapping travels in the URL: shorten the mapping file (fewer nullValues or value maps).`
  if (parts.token >= CAUSE_SHARE * total) return `${head}. The token travels in the Authorization header: is it the right one? Tokens are usually well under 2 KB.`
  const both = parts.mapping + parts.token
  if (both >= COMMON_LIMIT) return `${head}. Neither is most of the request, but together the mapping and the token are ${kb(both)}, over a 16 KB limit: shorten the mapping file (fewer nullValues or value maps), and check the token (tokens are usually well under 2 KB).`
  return `${head}. Neither the mapping nor the token is large, nor are they together: a proxy in between may add headers, or allow less.`
}
