// Which book a company made in the CRM goes to (ARCHITECTURE.md): the book its crdt_book_id
// names, else the owner rule (CRM owner → book), else the territory rule (country → book), else
// BRIDGE_DEFAULT_BOOK. A named book the bridge cannot reach falls through to the next rule.
import { z } from 'zod'

export interface BookRules {
  /** CRM owner id (hubspot_owner_id) → book id. */
  readonly owners: Readonly<Record<string, string>>
  /** ISO country code (upper case) → book id. */
  readonly territories: Readonly<Record<string, string>>
  readonly defaultBook: string
}

export const bookRuleMapSchema = z.record(z.string().min(1), z.string().min(1))

export function assignBook(
  properties: Readonly<Record<string, string>>,
  rules: BookRules,
  reachable: (bookId: string) => boolean,
): string {
  const named = properties['crdt_book_id']
  if (named && reachable(named)) return named
  const owner = properties['hubspot_owner_id']
  const byOwner = owner ? rules.owners[owner] : undefined
  if (byOwner && reachable(byOwner)) return byOwner
  const country = properties['country']?.trim().toUpperCase()
  const byTerritory = country ? rules.territories[country] : undefined
  if (byTerritory && reachable(byTerritory)) return byTerritory
  return rules.defaultBook
}
