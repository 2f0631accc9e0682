// Named value transforms between a book field (in its string form) and a CRM property. Named,
// not inline functions, so a field map can be declared (and overridden) as plain data.
import { normalizeCountry, normalizeEmail, normalizePhone, normalizeWebsite } from '@crm-sync/model'

/** The other book-form values of the same record, for transforms that need context (a phone's country). */
export type RecordContext = Readonly<Record<string, string | null>>

export interface FieldTransform {
  toCrm(value: string | null, record: RecordContext): string | null
  fromCrm(value: string | null, record: RecordContext): string | null
}

const identity: FieldTransform = { toCrm: (v) => v, fromCrm: (v) => v }

/** Normalises what comes from the CRM when it can; keeps the CRM's text when it cannot (never loses it). */
const normalizingFrom = (normalize: (v: string, record: RecordContext) => { ok: true; value: string } | { ok: false }): FieldTransform => ({
  toCrm: (v) => v,
  fromCrm: (v, record) => {
    if (v === null) return null
    const r = normalize(v, record)
    return r.ok ? r.value : v.trim()
  },
})

// Book statuses ↔ HubSpot lifecycle stages. Several stages read as one status; a status writes
// the stage HubSpot itself uses for it.
const STATUS_TO_STAGE: Record<string, string> = { lead: 'lead', prospect: 'opportunity', customer: 'customer', inactive: 'other' }
const STAGE_TO_STATUS: Record<string, string> = {
  subscriber: 'lead', lead: 'lead', marketingqualifiedlead: 'lead', salesqualifiedlead: 'prospect',
  opportunity: 'prospect', customer: 'customer', evangelist: 'customer', other: 'inactive',
}

export const FIELD_TRANSFORMS = {
  identity,
  lifecycle: {
    toCrm: (v) => (v === null ? null : (STATUS_TO_STAGE[v] ?? null)),
    fromCrm: (v) => (v === null ? null : (STAGE_TO_STATUS[v] ?? null)),
  },
  email: normalizingFrom((v) => normalizeEmail(v)),
  website: normalizingFrom((v) => normalizeWebsite(v)),
  country: normalizingFrom((v) => normalizeCountry(v)),
  phone: normalizingFrom((v, record) => normalizePhone(v, record['address.country'] ?? undefined)),
  /** Tags: the book's list as one `;`-separated property. */
  tags: {
    toCrm: (v) => v,
    fromCrm: (v) => {
      if (v === null) return null
      const tags = [...new Set(v.split(';').map((t) => t.trim()).filter(Boolean))]
      return tags.length === 0 ? null : tags.join(';')
    },
  },
  /** Numbers in their shortest canonical form on both sides. */
  number: {
    toCrm: (v) => v,
    fromCrm: (v) => {
      if (v === null) return null
      const n = Number(v)
      return Number.isFinite(n) ? String(n) : null
    },
  },
  /** A book date (YYYY-MM-DD) ↔ a CRM datetime (the CRM keeps midnight UTC). */
  date: {
    toCrm: (v) => v,
    fromCrm: (v) => {
      if (v === null) return null
      const ms = /^-?\d+$/.test(v) ? Number(v) : Date.parse(v)
      return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : null
    },
  },
} as const satisfies Record<string, FieldTransform>

export type TransformName = keyof typeof FIELD_TRANSFORMS
export const TRANSFORM_NAMES = Object.keys(FIELD_TRANSFORMS) as TransformName[]
