import { describe, expect, it } from 'vitest'
import { normalizeCountry } from './normalize-country'
import { normalizeEmail } from './normalize-email'
import { normalizePhone } from './normalize-phone'
import { normalizeWebsite } from './normalize-website'

const value = (r: { ok: boolean; value?: string }) => (r.ok ? r.value : undefined)

describe('normalizeEmail', () => {
  it.each([
    ['  Anna.Schmidt@Example.DE ', 'anna.schmidt@example.de'],
    ['mailto:info@acme.com', 'info@acme.com'],
    ['<sales+eu@acme.co.uk>', 'sales+eu@acme.co.uk'],
    ["o'brien@pub.ie", "o'brien@pub.ie"],
    ['info@münchen.de', 'info@xn--mnchen-3ya.de'],
  ])('%s -> %s', (input, expected) => {
    expect(value(normalizeEmail(input))).toBe(expected)
  })

  it.each(['', '   ', 'plainaddress', '@acme.com', 'anna@', 'anna@@acme.com', 'a b@acme.com', 'anna@acme', 'anna@acme..com',
    'anna@-acme.com', '.anna@acme.com', 'jürgen@acme.de', `${'a'.repeat(250)}@acme.com`,
  ])('rejects %j with a reason', (input) => {
    const result = normalizeEmail(input)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.reason).toBeTruthy()
  })
})

describe('normalizePhone', () => {
  it.each([
    ['+49 30 12345678', undefined, '+493012345678'],
    ['030 12345678', 'DE', '+493012345678'],
    ['(030) 1234-5678', 'DE', '+493012345678'],
    ['+49 (0)30 12345678', undefined, '+493012345678'],
    ['0049 30 12345678', undefined, '+493012345678'],
    ['0049 30 12345678', 'DE', '+493012345678'],
    ['0151 23456789', 'DE', '+4915123456789'],
    ['01 42 68 53 00', 'FR', '+33142685300'],
    ['+44 20 7946 0958', undefined, '+442079460958'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['(212) 234-5678', 'US', '+12122345678'],
    ['+1 415-234-5678', 'DE', '+14152345678'],
    ['02 1234 5678', 'IT', '+390212345678'],
    ['044 668 18 00', 'CH', '+41446681800'],
    ['+81 3-1234-5678', undefined, '+81312345678'],
    ['030 12345678', 'de', '+493012345678'],
  ] as const)('%s in %s -> %s', (input, region, expected) => {
    expect(value(normalizePhone(input, region))).toBe(expected)
  })

  it.each([
    ['', undefined, 'empty'],
    ['030 12345678', undefined, 'international prefix'],
    ['call me maybe', 'DE', 'not a phone number'],
    ['+49 30 12345678 call me', undefined, 'not a phone number'],
    ['12', 'DE', 'length'],
    ['+44 7700 900123', undefined, 'not a valid number'], // UK drama range: only 'max' metadata knows
    ['+49 30 1234567 ext. 12', undefined, 'extension'],
    ['030 12345678', 'XX', 'unknown phone region'],
  ] as const)('rejects %j (%s): %s', (input, region, reason) => {
    const result = normalizePhone(input, region)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.reason).toContain(reason)
  })
})

describe('normalizeCountry', () => {
  it.each([
    ['DE', 'DE'], ['de', 'DE'], [' deu ', 'DE'], ['DEU', 'DE'], ['276', 'DE'], ['Germany', 'DE'], ['germany', 'DE'],
    ['Deutschland', 'DE'], ['Österreich', 'AT'], ['Osterreich', 'AT'], ['Schweiz', 'CH'], ['Suisse', 'CH'],
    ['United Kingdom', 'GB'], ['UK', 'GB'], ['Great Britain', 'GB'], ['USA', 'US'], ['United States of America', 'US'],
    ['The Netherlands', 'NL'], ['Nederland', 'NL'], ['España', 'ES'], ['Italia', 'IT'], ['France', 'FR'],
    ['Côte d’Ivoire', 'CI'], ["Cote d'Ivoire", 'CI'], ['Czechia', 'CZ'], ['Korea, Republic of', 'KR'],
  ])('%s -> %s', (input, expected) => {
    expect(value(normalizeCountry(input))).toBe(expected)
  })

  it.each(['', 'XX', 'XYZ', '999', 'Atlantis', 'Germany!'])('rejects %j', (input) => {
    expect(normalizeCountry(input).ok).toBe(false)
  })
})

describe('normalizeWebsite', () => {
  it.each([
    ['acme.de', 'https://acme.de'],
    ['www.Acme.DE', 'https://www.acme.de'],
    ['HTTP://Acme.com/', 'http://acme.com'],
    ['https://acme.com/en/Products?x=1', 'https://acme.com/en/Products?x=1'],
    ['acme.co.uk:8443/shop', 'https://acme.co.uk:8443/shop'],
    ['müller-bau.de', 'https://xn--mller-bau-q9a.de'],
    ['//acme.fr', 'https://acme.fr'],
  ])('%s -> %s', (input, expected) => {
    expect(value(normalizeWebsite(input))).toBe(expected)
  })

  it.each(['', 'not a url', 'acme', 'ftp://acme.com', 'mailto:info@acme.com', 'javascript:alert(1)', 'https://user:pw@acme.com',
    'http://192.168.0.1', 'localhost:3000', 'https://-acme.com', 'https://acme.c0m',
  ])('rejects %j', (input) => {
    expect(normalizeWebsite(input).ok).toBe(false)
  })
})
