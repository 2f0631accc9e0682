// What the import CLI says about an HTTP 431 (request header fields too large). A server or
// proxy that explains itself is quoted; Node answers a request line plus headers over its
// limit (16 KB by default) with a bare 431, so then the CLI names the parts it sent that are
// big enough to be the cause (the mapping travels in the URL, the token in a header) and
// blames none it cannot see.
import { describeError } from './cli-common'

/** Sizes in bytes of what the CLI put in the request line and headers. */
export interface RequestParts {
  readonly url: number
  readonly mapping: number
  readonly token: number
}

/** Below this share of what was sent, a part is not worth naming as the cause. */
const CAUSE_SHARE = 0.5

export function explainRequestTooLarge(body: string, parts: RequestParts): string {
  if (body.trim() !== '') return describeError(431, body)
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
  const total = parts.url + parts.token
  const sent = `the URL is ${kb(parts.url)}, ${kb(parts.mapping)} of it the mapping once encoded; the token is ${kb(parts.token)}`
  const head = `431 the server refused the request line and headers as too large (often a 16 KB limit), without saying which part: ${sent}`
  if (parts.mapping >= CAUSE_SHARE * total) return `${head}. The mapping travels in the URL: shorten the mapping file (fewer nullValues or value maps).`
  if (parts.token >= CAUSE_SHARE * total) return `${head}. The token travels in the Authorization header: is it the right one? Tokens are usually well under 2 KB.`
  return `${head}. Neither is large on its own: a proxy in between may add headers, or allow less.`
}
