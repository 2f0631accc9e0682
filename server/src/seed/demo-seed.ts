// Dev mode's demo data: users and two books with realistic customers, written once (a second
// start finds the books and leaves them alone).
import { createCustomer, makeDemoCustomers } from '@crm-sync/model'
import { BRIDGE_USER } from '../auth/identity'
import type { BookService } from '../books/book-service'
import type { BookDirectory, Role } from '../store/book-directory'
import { isStoreError } from '../store/store-error'

export const DEMO_USERS = [
  { id: 'alice', name: 'Alice Martin' },
  { id: 'bob', name: 'Bob Okafor' },
  { id: 'carol', name: 'Carol Nguyen' },
  { id: 'dave', name: 'Dave Schmidt' },
] as const

export const DEMO_BOOKS: ReadonlyArray<{ id: string; name: string; owner: string; customers: number; seed: number; members: Record<string, Role> }> = [
  { id: 'north-territory', name: 'North territory', owner: 'alice', customers: 36, seed: 1, members: { bob: 'editor', dave: 'viewer' } },
  { id: 'key-accounts', name: 'Key accounts', owner: 'bob', customers: 24, seed: 2, members: { alice: 'editor', carol: 'editor', dave: 'viewer' } },
]

export const seedDemo = async ({ directory, books }: { directory: BookDirectory; books: BookService }): Promise<string[]> => {
  const created: string[] = []
  for (const book of DEMO_BOOKS) {
    if (await directory.getBook(book.id)) continue
    try {
      await books.create({ id: book.id, name: book.name }, book.owner)
    } catch (e) {
      // Another instance starting at the same time seeded it first.
      if (isStoreError(e, 'conflict')) continue
      throw e
    }
    for (const [user, role] of Object.entries(book.members)) await directory.setMember(book.id, user, role)
    await directory.setMember(book.id, BRIDGE_USER.userId, 'editor')
    const customers = makeDemoCustomers(book.customers, { seed: book.seed, by: book.owner, now: new Date() })
    await books.change(book.id, book.owner, (doc, origin) => {
      for (const customer of customers) createCustomer(doc, customer, { by: book.owner, origin })
    })
    created.push(book.id)
  }
  return created
}
