// A mapping guessed from the column names (and, for an "id" column, its values) when the
// client sends none, plus the check that a given mapping only names columns the file has.
// Both run on the header (CSV) or the first batch's paths (JSON, XML), before any write.
import { ImportError } from './import-error'
import { keyColumns, parseMapping, sourceColumns, type Mapping, type MappingInput, type TargetField } from './mapping'
import { lookup, scalarOf } from './source-path'
import type { SourceValue } from './source-record'

const norm = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/ß/g, 'ss').toLowerCase().replace(/[^a-z0-9]/g, '')

/** Normalised header names per field, most specific first; exact field names always match. */
const SYNONYMS: ReadonlyArray<[TargetField, readonly string[]]> = [
  ['name', ['name', 'company', 'companyname', 'organisation', 'organization', 'organisationname', 'organizationname', 'account', 'accountname', 'customer', 'customername', 'business', 'businessname', 'firma', 'firmenname', 'unternehmen', 'societe', 'empresa', 'raisonsociale']],
  ['status', ['status', 'stage', 'lifecyclestage', 'customerstatus', 'leadstatus']],
  ['email', ['email', 'emailaddress', 'emailadresse', 'mail', 'companyemail', 'mainemail']],
  ['phone', ['phone', 'phonenumber', 'telephone', 'tel', 'telefon', 'mainphone', 'companyphone', 'telefonnummer']],
  ['website', ['website', 'web', 'url', 'homepage', 'domain', 'site', 'webseite', 'webaddress', 'companywebsite']],
  ['industry', ['industry', 'sector', 'branche', 'vertical']],
  ['ownerId', ['ownerid']],
  ['archived', ['archived']],
  ['address.street', ['addressstreet', 'street', 'streetaddress', 'address', 'address1', 'addressline1', 'strasse', 'rue', 'calle']],
  ['address.city', ['addresscity', 'city', 'town', 'ort', 'stadt', 'ville', 'ciudad', 'locality']],
  ['address.region', ['addressregion', 'region', 'state', 'province', 'county', 'bundesland', 'stateprovince']],
  ['address.postalCode', ['addresspostalcode', 'postalcode', 'postcode', 'zip', 'zipcode', 'plz', 'postleitzahl', 'codepostal']],
  ['address.country', ['addresscountry', 'country', 'countrycode', 'land', 'pays', 'pais']],
  ['tags', ['tags', 'tag', 'labels', 'categories', 'keywords']],
  ['notes', ['notes', 'note', 'comments', 'comment', 'description', 'remarks', 'bemerkungen', 'notizen']],
  ['createdAt', ['createdat']],
  ['createdBy', ['createdby']],
  ['contacts', ['contacts']],
  ['deals', ['deals']],
  ['activities', ['activities']],
  ['contact.firstName', ['contactfirstname', 'firstname', 'givenname', 'vorname', 'prenom']],
  ['contact.lastName', ['contactlastname', 'lastname', 'surname', 'familyname', 'nachname']],
  ['contact.email', ['contactemail']],
  ['contact.phone', ['contactphone', 'mobile', 'mobilephone', 'cell', 'cellphone', 'handy']],
  ['contact.title', ['contacttitle', 'title', 'jobtitle', 'position']],
]

const KEY_SYNONYMS = ['customerid', 'externalid', 'recordid', 'accountid', 'crmid', 'legacyid', 'companyid', 'customernumber', 'customerno', 'accountnumber', 'kundennummer', 'kundennr', 'id']

/** Common lifecycle words of other CRMs, so their status column imports without a hand-made table. */
const STATUS_VALUES: Readonly<Record<string, string>> = {
  active: 'customer', won: 'customer', 'closed won': 'customer', client: 'customer', kunde: 'customer',
  opportunity: 'prospect', qualified: 'prospect', interested: 'prospect', interessent: 'prospect',
  new: 'lead', open: 'lead', contacted: 'lead', subscriber: 'lead',
  lost: 'inactive', 'closed lost': 'inactive', churned: 'inactive', former: 'inactive', ehemalig: 'inactive', disqualified: 'inactive',
}

const UUID_OR_ULID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9A-HJKMNP-TV-Z]{26})$/i

export interface SuggestedMapping {
  readonly mapping: Mapping
  readonly unmapped: string[]
}

export function suggestMapping(columns: readonly string[], sample: ReadonlyArray<Readonly<Record<string, SourceValue>>>): SuggestedMapping {
  const fields: Partial<Record<TargetField, MappingInput['fields'][TargetField]>> = {}
  let key: string | undefined
  const unmapped: string[] = []
  for (const column of columns) {
    const segments = column.split('.')
    const candidates = [norm(column), norm(segments[segments.length - 1] ?? column)]
    if (candidates[0] === 'id' && fields.id === undefined && looksLikeCustomerIds(column, sample)) {
      fields.id = column
      continue
    }
    const target = candidates.map((c) => SYNONYMS.find(([t, names]) => fields[t] === undefined && names.includes(c))?.[0]).find((t) => t !== undefined)
    if (target === 'status') fields.status = { from: column, transform: { map: STATUS_VALUES } }
    else if (target !== undefined) fields[target] = column
    else if (key === undefined && candidates.some((c) => KEY_SYNONYMS.includes(c))) key = column
    else unmapped.push(column)
  }
  if (fields.name === undefined) {
    throw new ImportError('no-name-column', 'no column looks like the customer name; send a mapping that says which column is "name"', { columns })
  }
  return { mapping: parseMapping({ fields, ...(key ? { key } : {}) }), unmapped }
}

function looksLikeCustomerIds(column: string, sample: ReadonlyArray<Readonly<Record<string, SourceValue>>>): boolean {
  const values = sample.map((r) => scalarOf(lookup(r, column))).filter((v) => v !== undefined && v !== '')
  return values.length > 0 && values.every((v) => UUID_OR_ULID.test(String(v).trim()))
}

/** Refuses a mapping that names columns the file does not have, listing what it does have. */
export function checkColumns(mapping: Mapping, columns: readonly string[], exact: boolean): void {
  const has = (path: string) => {
    if (columns.includes(path)) return true
    if (exact) return false
    const bare = path.replace(/@/g, '')
    return columns.some((c) => {
      const col = c.replace(/@/g, '')
      return col === bare || col.startsWith(`${bare}.`)
    })
  }
  const named = [...Object.values(mapping.fields).flatMap((s) => (s ? sourceColumns(s) : [])), ...keyColumns(mapping)]
  const missing = [...new Set(named.filter((c) => !has(c)))]
  if (missing.length > 0) {
    throw new ImportError('missing-columns', `the mapping names ${missing.length === 1 ? 'a column' : 'columns'} the file does not have: ${missing.join(', ')}`, { missing, columns })
  }
}

/** Which source column feeds a customer field, for the report ("contacts.0.email" ← contact.email). */
export function columnOf(mapping: Mapping, field: string): string | undefined {
  const target = field.replace(/^contacts\.\d+\./, 'contact.') as TargetField
  const source = mapping.fields[target] ?? mapping.fields[field.split('.')[0] as TargetField]
  return source ? sourceColumns(source).join(' + ') || undefined : undefined
}
