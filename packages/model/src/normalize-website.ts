// Websites as absolute http(s) URLs with a lower-case host, so "Example.com" and
// "https://example.com/" are one value and a link in the app always opens.
import { fail, ok, type NormalizeResult } from './normalize-result'

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/

export function normalizeWebsite(v: string): NormalizeResult {
  const s = v.trim()
  if (s === '') return fail('website is empty')
  if (/\s/.test(s)) return fail('website must not contain spaces')
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(s)
  let url: URL
  try {
    url = new URL(hasScheme ? s : `https://${s.replace(/^\/\//, '')}`)
  } catch {
    return fail('not a web address')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail('website must be an http or https address')
  if (url.username || url.password) return fail('website must not contain a user name or password')
  // The URL parser has already lower-cased the host and converted it to ASCII (punycode).
  const labels = url.hostname.split('.')
  const tld = labels[labels.length - 1] ?? ''
  if (labels.length < 2 || !TLD.test(tld) || !labels.every((l) => LABEL.test(l))) {
    return fail(`${url.hostname} is not a public host name`)
  }
  const bare = url.pathname === '/' && url.search === '' && url.hash === ''
  return ok(bare ? url.origin : url.href)
}
