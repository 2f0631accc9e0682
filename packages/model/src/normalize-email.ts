// Email addresses in one canonical form, so the same person typed two ways is one value
// (for duplicate detection, and for the CRM which matches contacts by email).
import { z } from 'zod'
import { fail, ok, type NormalizeResult } from './normalize-result'

const MAX_LENGTH = 254 // RFC 5321 path limit minus the angle brackets

/**
 * Trims, strips a `mailto:` or `<...>` wrapper, lowercases the whole address (mail servers
 * treat local parts case-insensitively in practice, and the CRM does too) and converts an
 * internationalised domain to its ASCII (punycode) form. Syntax is zod's practical email regex.
 */
export function normalizeEmail(v: string): NormalizeResult {
  let s = v.trim()
  if (/^mailto:/i.test(s)) s = s.slice('mailto:'.length)
  if (s.startsWith('<') && s.endsWith('>')) s = s.slice(1, -1).trim()
  if (s === '') return fail('email is empty')
  if (/\s/.test(s)) return fail('email must not contain spaces')
  const at = s.lastIndexOf('@')
  if (at <= 0 || at === s.length - 1) return fail('email needs a name, an @ and a domain')
  const local = s.slice(0, at).toLowerCase()
  let domain = s.slice(at + 1).toLowerCase()
  if (local.includes('@')) return fail('email must contain exactly one @')
  if (/[^\x00-\x7f]/.test(local)) return fail('email name part must be ASCII')
  if (/[^\x00-\x7f]/.test(domain)) {
    const ascii = toAsciiDomain(domain)
    if (ascii === null) return fail('email domain is not valid')
    domain = ascii
  }
  const value = `${local}@${domain}`
  if (value.length > MAX_LENGTH) return fail(`email is longer than ${MAX_LENGTH} characters`)
  if (!z.regexes.email.test(value)) return fail('not a valid email address')
  return ok(value)
}

/** IDNA via the WHATWG URL parser, available in browsers and Node alike. */
function toAsciiDomain(domain: string): string | null {
  try {
    return new URL(`http://${domain}`).hostname
  } catch {
    return null
  }
}
