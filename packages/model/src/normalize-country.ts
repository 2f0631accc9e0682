// Countries as ISO 3166-1 alpha-2 codes, whatever people or spreadsheets call them:
// "DE", "deu", "276", "Germany", "Deutschland", "UK" all become what the address stores.
import countries from 'i18n-iso-countries'
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' }
import de from 'i18n-iso-countries/langs/de.json' with { type: 'json' }
import fr from 'i18n-iso-countries/langs/fr.json' with { type: 'json' }
import es from 'i18n-iso-countries/langs/es.json' with { type: 'json' }
import it from 'i18n-iso-countries/langs/it.json' with { type: 'json' }
import nl from 'i18n-iso-countries/langs/nl.json' with { type: 'json' }
import { fail, ok, type NormalizeResult } from './normalize-result'

// The browser build of i18n-iso-countries ships no names; registering is idempotent, so the
// Node build (which registers every language) is unaffected. English first, then the
// languages of the markets our field teams cover.
const LANGUAGES = [en, de, fr, es, it, nl]
for (const locale of LANGUAGES) countries.registerLocale(locale)

/** Exceptionally reserved codes in everyday use that the library does not map. */
const ALIASES: Readonly<Record<string, string>> = { UK: 'GB', EL: 'GR' }

export function normalizeCountry(v: string): NormalizeResult {
  const s = v.trim().replace(/\s+/g, ' ').replace(/[\u2018\u2019`´]/g, "'")
  if (s === '') return fail('country is empty')
  const upper = s.toUpperCase()
  const alias = ALIASES[upper]
  if (alias) return ok(alias)
  if (/^[A-Z]{2}$/.test(upper)) {
    return countries.isValid(upper) ? ok(upper) : fail(`unknown country code ${s}`)
  }
  if (/^[A-Z]{3}$/.test(upper)) {
    const code = countries.alpha3ToAlpha2(upper)
    if (code) return ok(code)
  }
  if (/^\d{1,3}$/.test(s)) {
    const code = countries.numericToAlpha2(s.padStart(3, '0'))
    return code ? ok(code) : fail(`unknown country number ${s}`)
  }
  for (const { locale } of LANGUAGES) {
    const code = countries.getAlpha2Code(s, locale) ?? countries.getSimpleAlpha2Code(s, locale)
    if (code) return ok(code)
  }
  return fail(`unknown country ${s}`)
}
