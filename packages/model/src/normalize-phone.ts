// Phone numbers in E.164 ("+4930123456"), the form the CRM, dialers and duplicate checks want.
//
// Metadata choice: 'max'. The 'min' metadata only checks a number's length per country, so it
// accepts numbers no operator could ever assign (e.g. unallocated German area codes, UK drama
// numbers); 'max' checks the real number ranges. These numbers go into the system of record,
// and a device and the server must give the same verdict on them, so exactness wins over the
// ~20 kB (gzipped) the web app pays; it can load this module lazily if that ever matters.
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max'
import { fail, ok, type NormalizeResult } from './normalize-result'

export type { CountryCode }

/**
 * `defaultRegion` (alpha-2, e.g. 'DE') is how a number without an international prefix is
 * read; the customer's address country is the natural choice. Without it, a leading "00" is
 * taken as the international prefix, as across Europe and most of the world.
 */
export function normalizePhone(v: string, defaultRegion?: CountryCode | string): NormalizeResult {
  let s = v.trim()
  if (s === '') return fail('phone is empty')
  const region = defaultRegion?.toUpperCase()
  if (region !== undefined && !isSupportedCountry(region)) return fail(`unknown phone region ${defaultRegion}`)
  if (region === undefined && s.startsWith('00')) s = `+${s.slice(2)}`
  const parsed = parsePhoneNumberFromString(s, { defaultCountry: region as CountryCode | undefined, extract: false })
  if (!parsed) {
    return region === undefined && !s.startsWith('+')
      ? fail('phone needs an international prefix (+…) or a country to read it in')
      : fail('not a phone number')
  }
  // E.164 has no place for extensions; dropping one silently would lose data.
  if (parsed.ext) return fail('phone extensions are not supported')
  if (!parsed.isPossible()) return fail(`phone has the wrong length for ${parsed.country ?? `+${parsed.countryCallingCode}`}`)
  if (!parsed.isValid()) return fail(`not a valid number in ${parsed.country ?? `+${parsed.countryCallingCode}`}`)
  return ok(parsed.number)
}
