// The plain JSON form of a customer: what readCustomer returns, the HTTP API serves and the
// bridge maps to the CRM. It mirrors the book document layout in ARCHITECTURE.md key for key.
import { z } from 'zod'

export const CUSTOMER_STATUSES = ['lead', 'prospect', 'customer', 'inactive'] as const
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number]

export const ACTIVITY_KINDS = ['call', 'visit', 'email', 'note'] as const
export type ActivityKind = (typeof ACTIVITY_KINDS)[number]

/** Scalar customer fields: each one is its own key in the customer's Y.Map. */
export const CUSTOMER_SCALAR_FIELDS = [
  'name', 'status', 'email', 'phone', 'website', 'industry', 'ownerId', 'archived',
] as const
export type CustomerScalarField = (typeof CUSTOMER_SCALAR_FIELDS)[number]

export const ADDRESS_FIELDS = ['street', 'city', 'region', 'postalCode', 'country'] as const
export type AddressField = (typeof ADDRESS_FIELDS)[number]

export const CONTACT_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'title'] as const
export const DEAL_FIELDS = ['name', 'amount', 'currency', 'stage', 'closeDate'] as const

export const addressSchema = z.object({
  street: z.string().optional(),
  city: z.string().optional(),
  region: z.string().optional(),
  postalCode: z.string().optional(),
  /** ISO 3166-1 alpha-2, upper case. */
  country: z.string().length(2).optional(),
})

export const contactSchema = z.object({
  id: z.string().min(1),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  title: z.string().optional(),
})

export const dealSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  amount: z.number().optional(),
  /** ISO 4217 code, upper case. */
  currency: z.string().optional(),
  stage: z.string().optional(),
  /** ISO date, YYYY-MM-DD. */
  closeDate: z.string().optional(),
})

export const activitySchema = z.object({
  id: z.string().min(1),
  kind: z.enum(ACTIVITY_KINDS),
  /** ISO 8601 date-time. */
  at: z.string(),
  by: z.string(),
  text: z.string(),
})

// Collections (tags, notes, contacts, deals, activities) and `archived` are always present in
// the plain form: createCustomer always creates them, and for documents written by other
// programs "absent" reads as empty / not archived. Optional scalars stay absent when unset.
export const customerSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  status: z.enum(CUSTOMER_STATUSES).optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  website: z.string().optional(),
  industry: z.string().optional(),
  ownerId: z.string().optional(),
  address: addressSchema.optional(),
  tags: z.array(z.string()),
  notes: z.string(),
  contacts: z.array(contactSchema),
  deals: z.array(dealSchema),
  activities: z.array(activitySchema),
  createdAt: z.string().optional(),
  createdBy: z.string().optional(),
  archived: z.boolean(),
})

export type Address = z.infer<typeof addressSchema>
export type Contact = z.infer<typeof contactSchema>
export type Deal = z.infer<typeof dealSchema>
export type Activity = z.infer<typeof activitySchema>
export type Customer = z.infer<typeof customerSchema>

/** Value type of each scalar field, for setCustomerField. */
export type CustomerScalarValue<F extends CustomerScalarField> = NonNullable<Customer[F]>

export type NewContact = Omit<Contact, 'id'> & { id?: string }
export type NewDeal = Omit<Deal, 'id'> & { id?: string }
/** `by` defaults to the creator and `at` to the creation time. */
export type NewActivity = Omit<Activity, 'id' | 'at' | 'by'> & { id?: string; at?: string; by?: string }

/** What createCustomer takes: a name, everything else optional. */
export type NewCustomer = {
  name: string
  status?: CustomerStatus
  email?: string
  phone?: string
  website?: string
  industry?: string
  ownerId?: string
  archived?: boolean
  address?: Address
  tags?: string[]
  notes?: string
  contacts?: NewContact[]
  deals?: NewDeal[]
  activities?: NewActivity[]
}
