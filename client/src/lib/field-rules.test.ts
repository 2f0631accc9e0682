import { describe, expect, it } from 'vitest'
import { amount, country, currency, email, isoDate, phone, requiredText } from './field-rules'

describe('field rules', () => {
  it('normalise valid input and clear on empty input', () => {
    expect(email(' A@B.de ')).toEqual({ ok: true, value: 'a@b.de' })
    expect(email('  ')).toEqual({ ok: true, value: null })
    expect(phone('DE')('030 901820')).toEqual({ ok: true, value: '+4930901820' })
    expect(country('Deutschland')).toEqual({ ok: true, value: 'DE' })
    expect(currency('eur')).toEqual({ ok: true, value: 'EUR' })
    expect(isoDate('2026-02-28')).toEqual({ ok: true, value: '2026-02-28' })
  })

  it('explain what is wrong instead of dropping it', () => {
    for (const check of [email('bad@'), phone(undefined)('0301234'), country('Atlantis'), currency('euro'), isoDate('2026-02-30'), requiredText('a name')(' ')]) {
      expect(check.ok).toBe(false)
      if (!check.ok) expect(check.reason.length).toBeGreaterThan(3)
    }
  })

  it('reads amounts as typed on a phone', () => {
    expect(amount('12 500,50')).toEqual({ ok: true, value: '12500.5' })
    expect(amount('1,200')).toEqual({ ok: true, value: '1200' })
    expect(amount('1200.75')).toEqual({ ok: true, value: '1200.75' })
    expect(amount('12abc').ok).toBe(false)
  })
})
