// An open book's lease on its data on this device: the book's Web Lock (`bookLeaseName`) held in shared mode from
// before the stored state is read until the handle is closed. Any number of tabs hold it at once;
// removing the book's data (remove-local-book.ts) waits for it exclusively, and a tab opening the
// book meanwhile waits behind that removal, so it reads the book as it is after, never half gone.
import { deferred } from './deferred'
import type { LockManagerLike } from './web-lock'

export interface BookLease {
  /** Resolves once the lease is held (at once without Web Locks); never rejects. */
  readonly ready: Promise<void>
  /** Lets the lease go (idempotent); a lease not granted yet is let go as soon as it is. */
  release(): void
}

export const holdBookLease = (locks: LockManagerLike | null, name: string): BookLease => {
  const [released, release] = deferred<void>()
  if (!locks) return { ready: Promise.resolve(), release: () => release.resolve() }
  const [ready, granted] = deferred<void>()
  locks
    .request(name, { mode: 'shared' }, async () => {
      granted.resolve()
      await released
    })
    // A lock manager that failed (a broken polyfill): open unguarded rather than not at all.
    .catch(() => granted.resolve())
  return { ready, release: () => release.resolve() }
}
