// What the import CLI says about a 431, branch by branch: a body is quoted; for a bare one the
// part that is most of the request is blamed, or both when only together they are too large,
// or none (a proxy) when nothing the CLI sent is large.
import { describe, expect, it } from 'vitest'
import { explainRequestTooLarge } from './request-too-large'

const KB = 1024
const HEAD = /^431 the server refused the request line and headers as too large \(often a 16 KB limit\), without saying which part: /

describe('explainRequestTooLarge', () => {
  it('quotes a server that says why, JSON error or plain text, and blames nothing itself', () => {
    const parts = { url: 20 * KB, mapping: 19 * KB, token: 100 }
    const json = JSON.stringify({ error: { code: 'cookie-too-large', message: 'the Cookie header is over 8 KB' } })
    expect(explainRequestTooLarge(json, parts)).toBe('431 cookie-too-large: the Cookie header is over 8 KB')
    expect(explainRequestTooLarge('Request Header Or Cookie Too Large', parts)).toBe('431 Request Header Or Cookie Too Large')
  })

  it('a bare 431: gives the sizes sent', () => {
    const message = explainRequestTooLarge('  \n', { url: 3 * KB, mapping: 2 * KB, token: KB })
    expect(message).toMatch(HEAD)
    expect(message).toContain('the URL is 3.0 KB, 2.0 KB of it the mapping once encoded; the token is 1.0 KB.')
  })

  it('blames the mapping when it is most of the request', () => {
    const message = explainRequestTooLarge('', { url: 17 * KB, mapping: 16.5 * KB, token: KB })
    expect(message).toMatch(/\. The mapping travels in the URL: shorten the mapping file/)
    expect(message).not.toContain('Authorization')
  })

  it('blames the token when it is most of the request', () => {
    const message = explainRequestTooLarge('', { url: 200, mapping: 0, token: 20 * KB })
    expect(message).toMatch(/\. The token travels in the Authorization header: is it the right one\?/)
    expect(message).not.toContain('shorten the mapping')
  })

  it('blames both when each is under half the request but together they are over the usual 16 KB', () => {
    const message = explainRequestTooLarge('', { url: 9.5 * KB, mapping: 9 * KB, token: 9 * KB })
    expect(message).toMatch(HEAD)
    expect(message).toContain('Neither is most of the request, but together the mapping and the token are 18.0 KB, over a 16 KB limit')
    expect(message).toContain('shorten the mapping file')
    expect(message).toContain('check the token')
    expect(message).not.toContain('proxy')
  })

  it('blames a proxy when nothing the CLI sent is large, alone or together', () => {
    const message = explainRequestTooLarge('', { url: 2.5 * KB, mapping: 2 * KB, token: 2 * KB })
    expect(message).toMatch(/\. Neither the mapping nor the token is large, nor are they together: a proxy in between may add headers, or allow less\.$/)
  })
})
