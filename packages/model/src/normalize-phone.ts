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
 * Results by input, bounded: one number is read several times as a record passes through
 * (the bridge's merge, hashing and validation each normalise it, and validation sees the E.164
 * form the merge produced), and parsing against the full metadata costs ~8 µs a call.
 */
const MEMO_SIZE = 4_096
const memo = new Map<string, NormalizeResult>()

const remember = (key: string, result: NormalizeResult): NormalizeResult => {
  if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value!)
  memo.set(key, Object.freeze(result))
  return result
}

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
  // With an international prefix the region plays no part in reading the number.
  const key = s.startsWith('+') ? s : `${region ?? ''}|${s}`
  const known = memo.get(key)
  if (known) return known
  const result = remember(key, parse(s, region))
  // A number's E.164 form reads as itself: the next normalisation of the output is a look-up.
  if (result.ok && result.value !== key) remember(result.value, result)
  return result
}

const parse = (s: string, region: string | undefined): NormalizeResult => {
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
