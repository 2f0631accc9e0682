// Jaro-Winkler against published reference values, its cheap upper bound, the name score,
// and the folding of names and cities that dedupe compares.
import { describe, expect, it } from 'vitest'
import { cityKey, exactKeys, nameKey } from './dedupe-keys'
import { jaroWinkler, jaroWinklerBound, nameSimilarity, signature } from './string-similarity'

describe('jaroWinkler', () => {
  it.each([
    ['martha', 'marhta', 0.961],
    ['dwayne', 'duane', 0.84],
    ['dixon', 'dicksonx', 0.813],
    ['abc', 'abc', 1],
    ['abc', 'xyz', 0],
    ['', 'abc', 0],
  ])('%s ~ %s = %f', (a, b, expected) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(expected, 3)
    expect(jaroWinkler(b, a)).toBeCloseTo(expected, 3)
  })

  it('never exceeds its cheap upper bound, which rejects unlike strings', () => {
    for (const [a, b] of [['tailspin toys', 'tailspin toyss'], ['acme', 'acme holdings'], ['a', 'abcdefgh'], ['martha', 'marhta'], ['nordic timber works', 'golden steel group']] as const) {
      expect(jaroWinkler(a, b)).toBeLessThanOrEqual(jaroWinklerBound(signature(a), signature(b)) + 1e-12)
    }
    expect(jaroWinklerBound(signature('nordic timber works'), signature('golden paper group'))).toBeLessThan(0.92)
  })
})

describe('nameSimilarity', () => {
  it('keeps typos high and a different word low, even after a long shared prefix', () => {
    expect(nameSimilarity('tailspin toys', 'tailspin toyss')).toBeGreaterThan(0.95)
    expect(nameSimilarity('humongous insurance', 'humongus insurance')).toBeGreaterThan(0.95)
    expect(jaroWinkler('woodgrove bank', 'woodgrove bakery')).toBeGreaterThan(0.92)
    expect(nameSimilarity('woodgrove bank', 'woodgrove bakery')).toBeLessThan(0.92)
    expect(nameSimilarity('alpine ski house', 'alpine ski shop')).toBeLessThan(0.92)
  })
})

describe('dedupe keys', () => {
  it('folds names and cities: legal forms, umlauts, accents, punctuation', () => {
    expect(nameKey('Bäckerei Schmidt GmbH & Co. KG')).toBe(nameKey('Baeckerei Schmidt'))
    expect(nameKey('The Coho Winery, LLC')).toBe('coho winery')
    expect(cityKey('München')).toBe(cityKey('MUENCHEN'))
    expect(cityKey('Zürich')).not.toBe(cityKey('Zurich'))
  })

  it('uses the website host without www, except hosts many businesses share', () => {
    expect(exactKeys({ website: 'https://www.acme.example/about' })).toEqual([['website', 'acme.example']])
    expect(exactKeys({ website: 'https://facebook.com/acme' })).toEqual([])
  })
})
