// Mapping on its own: the mapping file's schema, suggestions from messy headers, transforms,
// paths into JSON and XML records, and the missing-columns check.
import { describe, expect, it } from 'vitest'
import { applyMapping } from './apply-mapping'
import { isImportError } from './import-error'
import { parseMapping, parseMappingJson } from './mapping'
import { checkColumns, suggestMapping } from './suggest-mapping'
import { applyTransforms, parseDate } from './transforms'

const code = (f: () => unknown): string | undefined => {
  try {
    f()
  } catch (e) {
    return isImportError(e) ? e.code : `not an ImportError: ${String(e)}`
  }
  return undefined
}

describe('mapping file', () => {
  it('accepts the documented format and fills defaults', () => {
    const m = parseMapping({ fields: { name: 'Company', 'address.city': { from: 'Town', transform: 'title-case' } }, key: 'ID' })
    expect(m).toMatchObject({ keyNamespace: 'default', dedupe: { threshold: 0.92, fuzzy: 'report' }, nullValues: expect.arrayContaining(['n/a']) })
  })

  it.each([
    ['unknown target fields', { fields: { name: 'a', nmae: 'b' } }],
    ['no name', { fields: { email: 'Mail' } }],
    ['unknown transforms', { fields: { name: { from: 'a', transform: 'reverse' } } }],
    ['a source with neither column nor value', { fields: { name: { default: 'x' } } }],
    ['unknown keys', { fields: { name: 'a' }, extra: true }],
  ])('refuses %s', (_what, raw) => {
    expect(code(() => parseMapping(raw))).toBe('invalid-mapping')
  })

  it('refuses mapping text that is not JSON', () => {
    expect(code(() => parseMappingJson('{fields:'))).toBe('invalid-mapping')
  })
})

describe('suggested mapping', () => {
  it('recognises common header names in several languages', () => {
    const { mapping, unmapped } = suggestMapping(
      ['Firmenname', 'E-Mail-Adresse', 'Tel.', 'Homepage', 'Straße', 'PLZ', 'Ort', 'Land', 'Kundennummer', 'Vorname', 'Nachname', 'Lieblingsfarbe'],
      [],
    )
    expect(mapping.fields).toMatchObject({
      name: 'Firmenname', email: 'E-Mail-Adresse', phone: 'Tel.', website: 'Homepage', 'address.street': 'Straße',
      'address.postalCode': 'PLZ', 'address.city': 'Ort', 'address.country': 'Land', 'contact.firstName': 'Vorname', 'contact.lastName': 'Nachname',
    })
    expect(mapping.key).toBe('Kundennummer')
    expect(unmapped).toEqual(['Lieblingsfarbe'])
  })

  it('maps an "id" column to the customer id only when it holds UUIDs; otherwise it is the key', () => {
    const uuid = '0190f3a2-7c1e-7b3a-9c4d-123456789abc'
    expect(suggestMapping(['id', 'name'], [{ id: uuid, name: 'A' }]).mapping.fields.id).toBe('id')
    const legacy = suggestMapping(['ID', 'Company'], [{ ID: '17', Company: 'A' }]).mapping
    expect(legacy.fields.id).toBeUndefined()
    expect(legacy.key).toBe('ID')
  })

  it('reads the paths of JSON and XML records, attributes included', () => {
    const { mapping } = suggestMapping(['@id', 'name', 'address.city', 'address.@country', 'tags'], [{ '@id': 'x-1' }])
    expect(mapping.fields).toMatchObject({ name: 'name', 'address.city': 'address.city', 'address.country': 'address.@country', tags: 'tags' })
    expect(mapping.key).toBe('@id')
  })

  it('refuses a file without a name-like column', () => {
    expect(code(() => suggestMapping(['foo', 'bar'], []))).toBe('no-name-column')
  })

  it('lists the columns a mapping names that the file lacks', () => {
    const mapping = parseMapping({ fields: { name: 'Company', email: 'Mail' }, key: 'Nr' })
    let details: unknown
    try {
      checkColumns(mapping, ['Company', 'E-Mail'], true)
    } catch (e) {
      details = isImportError(e, 'missing-columns') ? e.details : e
    }
    expect(details).toEqual({ missing: ['Mail', 'Nr'], columns: ['Company', 'E-Mail'] })
    expect(() => checkColumns(parseMapping({ fields: { name: 'name', 'address.city': 'address.city' } }), ['name', 'address.@city'], false)).not.toThrow()
  })
})

describe('transforms', () => {
  it('trims, changes case, maps values and splits lists', () => {
    expect(applyTransforms('  ACME TRADING  mcDonald ', ['trim', 'collapse-spaces', 'title-case'])).toEqual({ ok: true, value: 'Acme Trading mcDonald' })
    expect(applyTransforms('Won', [{ map: { won: 'customer' } }])).toEqual({ ok: true, value: 'customer' })
    expect(applyTransforms('Other', [{ map: { won: 'customer' } }])).toEqual({ ok: true, value: 'Other' })
    expect(applyTransforms('a|B', [{ split: '|' }, 'lowercase'])).toEqual({ ok: true, value: ['a', 'b'] })
    expect(applyTransforms('+49 (0) 30-12', ['digits-only'])).toEqual({ ok: true, value: '4903012' })
  })

  it('writes phone numbers in E.164 with a default region, through the model', () => {
    expect(applyTransforms('030 901820', [{ phone: 'DE' }])).toEqual({ ok: true, value: '+4930901820' })
    expect(applyTransforms('12', [{ phone: 'DE' }])).toMatchObject({ ok: false })
  })

  it('reads dates in a pattern and refuses impossible ones', () => {
    expect(parseDate('03.04.2019', 'DD.MM.YYYY')).toEqual({ ok: true, value: '2019-04-03' })
    expect(parseDate('4/3/19', 'M/D/YY')).toEqual({ ok: true, value: '2019-04-03' })
    expect(parseDate('2019-04-03 14:05', 'YYYY-MM-DD HH:mm')).toEqual({ ok: true, value: '2019-04-03T14:05:00.000Z' })
    expect(parseDate('30.02.2019', 'DD.MM.YYYY')).toMatchObject({ ok: false })
    expect(parseDate('2019/04/03', 'DD.MM.YYYY')).toMatchObject({ ok: false })
  })
})

describe('applying a mapping', () => {
  it('builds the nested customer input, a contact, and the key', () => {
    const mapping = parseMapping({
      fields: {
        name: { from: ['First', 'Last'], join: ' & ' },
        status: { value: 'lead' },
        industry: { from: 'Branche', default: 'unknown' },
        'address.city': 'addr.@city',
        'contact.email': 'Mail',
        tags: { from: 'Labels', transform: { split: '|' } },
        createdAt: { from: 'Since', transform: { date: 'DD.MM.YYYY' } },
      },
      key: ['Region', 'Nr'],
    })
    const out = applyMapping({ First: 'A', Last: 'B', Mail: 'x@y.de', addr: { '@city': 'Köln' }, Labels: 'p|q', Since: '01.02.2020', Region: 'W', Nr: '7' }, mapping)
    expect(out).toEqual({
      input: { name: 'A & B', status: 'lead', industry: 'unknown', address: { city: 'Köln' }, contacts: [{ email: 'x@y.de' }], tags: ['p', 'q'], createdAt: '2020-02-01' },
      key: 'W\u001f7',
      issues: [],
    })
  })

  it('reports a transform that fails with field, column and value', () => {
    const mapping = parseMapping({ fields: { name: 'n', createdAt: { from: 'd', transform: { date: 'DD.MM.YYYY' } } } })
    expect(applyMapping({ n: 'A', d: 'yesterday' }, mapping).issues).toEqual([
      { field: 'createdAt', column: 'd', value: 'yesterday', reason: 'date does not match DD.MM.YYYY' },
    ])
  })

  it('reads XML-wrapped lists and JSON cells into tags, contacts, deals and activities', () => {
    const mapping = parseMapping({ fields: { name: 'name', tags: 'tags', contacts: 'contacts', deals: 'deals' } })
    const out = applyMapping({
      name: 'A',
      tags: { tag: ['x', 'y'] },
      contacts: { contact: { '@id': 'c1', firstName: 'Ann', email: { '#text': 'a@b.de' } } },
      deals: '[{"name":"Big","amount":12.5}]',
    }, mapping)
    expect(out.input).toEqual({ name: 'A', tags: ['x', 'y'], contacts: [{ id: 'c1', firstName: 'Ann', email: 'a@b.de' }], deals: [{ name: 'Big', amount: 12.5 }] })
  })
})
