// The writes the HTTP API makes to a book, as data (as book-query.ts is for its reads): so that
// one can run on the relay's document or, for a big dormant book, on a worker thread that
// rebuilds the book from its bytes and hands back the Yjs update the write made (book-query-
// worker.ts); the relay then takes that update as the writer's change, without decoding the book.
// Either way the answer is the customer as written, serialized (UTF-8 JSON).
import type { CountryCode } from 'libphonenumber-js'
import {
  createCustomer, createCustomerPatchSchema, isModelError, ModelError, patchCustomer, readCustomer, type ModelErrorCode, type NewCustomer,
} from '@crm-sync/model'
import * as Y from 'yjs'
import type { AnswerBody } from './book-query'

/**
 * Applies a patch to one customer, as the client sent it: it is checked against the customer's
 * own country (a phone without a country prefix is read there), else `defaultRegion`.
 */
export interface PatchCustomerMutation {
  readonly kind: 'patch-customer'
  readonly id: string
  readonly body: unknown
  readonly defaultRegion: CountryCode
}

/** Creates a customer from validated input (validateCustomer's value), recorded as created by the writer. */
export interface CreateCustomerMutation {
  readonly kind: 'create-customer'
  readonly customer: NewCustomer
}

export type BookMutation = PatchCustomerMutation | CreateCustomerMutation

/** Where a body does not pass the checks: the field's path and what is wrong. */
export interface MutationIssue {
  readonly path: string
  readonly message: string
}

/** How a mutation ended: written (the customer as it is now), its customer missing, or its body refused; nothing is written but in the first. */
export type MutationOutcome =
  | { readonly kind: 'written'; readonly answer: AnswerBody }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'invalid'; readonly issues: readonly MutationIssue[] }

/**
 * Runs `mutation` on `doc` as `userId`, in one transaction with `origin`, and says how it ended.
 * Model errors (a field the model refuses, an id taken) are thrown as they are.
 */
export function applyBookMutation(doc: Y.Doc, mutation: BookMutation, userId: string, origin: unknown): MutationOutcome {
  switch (mutation.kind) {
    case 'patch-customer': {
      const stored = readCustomer(doc, mutation.id)
      if (!stored) return { kind: 'not-found' }
      const parsed = createCustomerPatchSchema({ defaultRegion: stored.address?.country ?? mutation.defaultRegion }).safeParse(mutation.body)
      if (!parsed.success) return { kind: 'invalid', issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) }
      patchCustomer(doc, mutation.id, parsed.data, origin)
      return written(doc, mutation.id)
    }
    case 'create-customer':
      return written(doc, createCustomer(doc, mutation.customer, { by: userId, origin }))
  }
}

const written = (doc: Y.Doc, id: string): MutationOutcome => ({ kind: 'written', answer: utf8.encode(JSON.stringify(readCustomer(doc, id))) })

/** What a mutation made of a book rebuilt elsewhere: how it ended and the update it wrote (null: none), or the model error it threw. */
export type MadeMutation =
  | { readonly outcome: MutationOutcome; readonly update: Uint8Array | null; readonly error?: undefined }
  | { readonly error: { readonly code: ModelErrorCode; readonly message: string } }

/**
 * Runs `mutation` on `doc` (a book rebuilt on a worker) and captures the update it wrote: what the
 * relay takes as the writer's change. A model error comes back as data (an Error does not cross
 * to the relay's thread with its code); anything else throws.
 */
export function makeBookMutation(doc: Y.Doc, mutation: BookMutation, userId: string): MadeMutation {
  const origin = { kind: 'local', userId }
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array, from: unknown) => {
    if (from === origin) updates.push(update)
  })
  try {
    let outcome: MutationOutcome = { kind: 'not-found' }
    // One transaction, so one update, however many the mutation opens inside it.
    doc.transact(() => {
      outcome = applyBookMutation(doc, mutation, userId, origin)
    }, origin)
    return { outcome, update: updates.length === 0 ? null : updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates) }
  } catch (error) {
    if (isModelError(error)) return { error: { code: error.code, message: error.message } }
    throw error
  }
}

/** How a mutation made elsewhere ended, or its model error thrown again here. */
export const outcomeOf = (made: MadeMutation): MutationOutcome => {
  if (made.error) throw new ModelError(made.error.code, made.error.message)
  return made.outcome
}

const utf8 = new TextEncoder()
