// Public face of @crm-sync/model: the book document contract (typed reads and writes of
// customers in a Y.Doc), the plain JSON schemas, validation and normalisation. No I/O.

export {
  CUSTOMER_STATUSES, ACTIVITY_KINDS, CUSTOMER_SCALAR_FIELDS, ADDRESS_FIELDS, CONTACT_FIELDS, DEAL_FIELDS,
  customerSchema, addressSchema, contactSchema, dealSchema, activitySchema,
  type CustomerStatus, type ActivityKind, type CustomerScalarField, type CustomerScalarValue, type AddressField,
  type Address, type Contact, type Deal, type Activity, type Customer,
  type NewCustomer, type NewContact, type NewDeal, type NewActivity,
} from './customer-schema'
export {
  customerPatchSchema, createCustomerPatchSchema,
  type CustomerPatch, type CustomerPatchInput, type CustomerPatchSchemaOptions,
} from './customer-patch-schema'
export { SCHEMA_VERSION, initBook, readBookMeta, customersMap, type BookMeta } from './book'
export { createCustomer, type CreateCustomerOptions } from './create-customer'
export { setCustomerField, archiveCustomer } from './set-customer-field'
export { patchCustomer } from './patch-customer'
export { editNotes } from './notes'
export { addContact, updateContact, removeContact, type ContactUpdate } from './contacts'
export { addDeal, updateDeal, removeDeal, type DealUpdate } from './deals'
export { addActivity, type ActivityInput } from './activities'
export { readCustomer, readCustomers, readBook } from './read-customer'
export {
  MODEL_ERROR_CODES, ModelError, CustomerNotFoundError, ContactNotFoundError, DealNotFoundError, isModelError,
  type ModelErrorCode,
} from './model-error'
export { newId, createIdGenerator, UUID_V7_PATTERN, type IdGenerator } from './new-id'
export type { NormalizeResult } from './normalize-result'
export { normalizeEmail } from './normalize-email'
export { normalizePhone, type CountryCode } from './normalize-phone'
export { normalizeCountry } from './normalize-country'
export { normalizeWebsite } from './normalize-website'
export {
  validateCustomer, type ValidCustomer, type ValidationIssue, type ValidationResult, type ValidateOptions,
} from './validate-customer'
export { makeDemoCustomers, type DemoOptions } from './demo-customers'
export { diffSequences, type SequenceEdit } from './sequence-diff'
export { seededRandom, type Random } from './seeded-random'
