// Errors the model throws: each has a `code` from one union so the HTTP layer can map them to
// statuses (not-found → 404, invalid-input → 400) without matching on messages.

export const MODEL_ERROR_CODES = [
  'customer-not-found',
  'contact-not-found',
  'deal-not-found',
  'customer-exists',
  'invalid-input',
] as const
export type ModelErrorCode = (typeof MODEL_ERROR_CODES)[number]

export class ModelError extends Error {
  readonly code: ModelErrorCode

  constructor(code: ModelErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ModelError'
    this.code = code
  }
}

export class CustomerNotFoundError extends ModelError {
  readonly customerId: string

  constructor(customerId: string) {
    super('customer-not-found', `customer ${customerId} not found`)
    this.name = 'CustomerNotFoundError'
    this.customerId = customerId
  }
}

export class ContactNotFoundError extends ModelError {
  constructor(customerId: string, contactId: string) {
    super('contact-not-found', `contact ${contactId} of customer ${customerId} not found`)
    this.name = 'ContactNotFoundError'
  }
}

export class DealNotFoundError extends ModelError {
  constructor(customerId: string, dealId: string) {
    super('deal-not-found', `deal ${dealId} of customer ${customerId} not found`)
    this.name = 'DealNotFoundError'
  }
}

export function isModelError(e: unknown, code?: ModelErrorCode): e is ModelError {
  return e instanceof ModelError && (code === undefined || e.code === code)
}
