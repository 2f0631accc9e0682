// Validation as you type: each editable field's rule turns what was typed into the value to
// store, or a reason to show next to the field. Uses the model's normalisers, so the app, the
// HTTP API and the importer agree on what a valid email, phone, website or country is.
import { normalizeCountry, normalizeEmail, normalizePhone, normalizeWebsite } from '@crm-sync/model'

export type FieldCheck = { ok: true; value: string | null } | { ok: false; reason: string }
export type FieldRule = (raw: string) => FieldCheck

const optional = (normalize: (v: string) => { ok: true; value: string } | { ok: false; reason: string }): FieldRule =>
  (raw) => {
    if (raw.trim() === '') return { ok: true, value: null }
    const r = normalize(raw)
    return r.ok ? r : { ok: false, reason: r.reason }
  }

export const freeText: FieldRule = (raw) => ({ ok: true, value: raw.trim() === '' ? null : raw.trim() })
export const requiredText = (what: string): FieldRule => (raw) =>
  raw.trim() === '' ? { ok: false, reason: `${what} is required` } : { ok: true, value: raw.trim() }

export const email: FieldRule = optional(normalizeEmail)
export const website: FieldRule = optional(normalizeWebsite)
export const country: FieldRule = optional(normalizeCountry)
/** Numbers without +prefix are read in the customer's country, like the model and the API do. */
export const phone = (region: string | undefined): FieldRule => optional((v) => normalizePhone(v, region))

export const currency: FieldRule = (raw) => {
  const v = raw.trim().toUpperCase()
  if (v === '') return { ok: true, value: null }
  return /^[A-Z]{3}$/.test(v) ? { ok: true, value: v } : { ok: false, reason: 'a currency is a three-letter code such as EUR' }
}

/** Amounts as typed on a phone keypad: "1 200,50" and "1200.5" both work. */
export const amount: FieldRule = (raw) => {
  const v = raw.trim().replace(/[\s\u00a0']/g, '')
  if (v === '') return { ok: true, value: null }
  const normalized = /^-?\d+(,\d{1,2})$/.test(v) ? v.replace(',', '.') : v.replace(/,(?=\d{3}\b)/g, '')
  return /^-?\d+(\.\d+)?$/.test(normalized) && Number.isFinite(Number(normalized))
    ? { ok: true, value: String(Number(normalized)) }
    : { ok: false, reason: 'not a number' }
}

export const isoDate: FieldRule = (raw) => {
  const v = raw.trim()
  if (v === '') return { ok: true, value: null }
  const ok = /^\d{4}-\d{2}-\d{2}$/.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v)
  return ok ? { ok: true, value: v } : { ok: false, reason: 'a date is YYYY-MM-DD' }
}
