// What PATCH /api/books/:id/customers/:cid accepts, parsed and normalised in one step: strict
// (unknown keys are rejected), values trimmed, '' turned into null (= clear the field), and
// email, phone, website and country brought into canonical form.
import { z } from 'zod'
import { CUSTOMER_STATUSES } from './customer-schema'
import { normalizeCountry } from './normalize-country'
import { normalizeEmail } from './normalize-email'
import { normalizePhone, type CountryCode } from './normalize-phone'
import type { NormalizeResult } from './normalize-result'
import { normalizeWebsite } from './normalize-website'
import { cleanTags } from './tags'

/** A string that may be cleared: trimmed, '' and null both mean "clear". */
const clearable = z.string().nullable().transform((v) => (v === null || v.trim() === '' ? null : v.trim()))

const normalized = (normalize: (v: string) => NormalizeResult) =>
  clearable.transform((v, ctx) => {
    if (v === null) return null
    const result = normalize(v)
    if (result.ok) return result.value
    ctx.issues.push({ code: 'custom', message: result.reason, input: v })
    return z.NEVER
  })

const addressPatchSchema = z.strictObject({
  street: clearable.optional(),
  city: clearable.optional(),
  region: clearable.optional(),
  postalCode: clearable.optional(),
  country: normalized(normalizeCountry).optional(),
}).nullable()

export type CustomerPatchSchemaOptions = {
  /**
   * How to read a phone number without an international prefix when the patch itself sets no
   * address country; the HTTP API passes the stored customer's country.
   */
  defaultRegion?: CountryCode | string
}

export function createCustomerPatchSchema(opts: CustomerPatchSchemaOptions = {}) {
  return z.strictObject({
    name: z.string().trim().min(1, 'a customer needs a name').optional(),
    status: z.enum(CUSTOMER_STATUSES).nullable().optional(),
    email: normalized(normalizeEmail).optional(),
    // Normalised below, once the patch's own address country is known.
    phone: clearable.optional(),
    website: normalized(normalizeWebsite).optional(),
    industry: clearable.optional(),
    ownerId: clearable.optional(),
    archived: z.boolean().optional(),
    address: addressPatchSchema.optional(),
    tags: z.array(z.string()).transform(cleanTags).optional(),
    // Not trimmed: the text is diffed against the stored notes, whitespace included.
    notes: z.string().optional(),
  }).transform((patch, ctx) => {
    if (patch.phone === undefined || patch.phone === null) return patch
    const result = normalizePhone(patch.phone, patch.address?.country ?? opts.defaultRegion)
    if (result.ok) return { ...patch, phone: result.value }
    ctx.issues.push({ code: 'custom', message: result.reason, input: patch.phone, path: ['phone'] })
    return z.NEVER
  })
}

export const customerPatchSchema = createCustomerPatchSchema()

/** A parsed patch: absent = leave as is, null = clear. */
export type CustomerPatch = z.output<typeof customerPatchSchema>
/** What a client may send (before trimming and normalisation). */
export type CustomerPatchInput = z.input<typeof customerPatchSchema>
