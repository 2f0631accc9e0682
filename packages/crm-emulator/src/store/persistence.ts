// Where the emulator keeps its state between restarts: nowhere by default (in memory), or a
// SQLite file. A small keyed-rows interface so the store writes through without knowing which.

export const PERSISTED_KINDS = ['record', 'association', 'property', 'meta', 'webhook'] as const
export type PersistedKind = (typeof PERSISTED_KINDS)[number]

export interface Persistence {
  put(kind: PersistedKind, key: string, value: unknown): void
  remove(kind: PersistedKind, key: string): void
  /** Every stored row of a kind, in insertion order. */
  load(kind: PersistedKind): Array<[key: string, value: unknown]>
  /** Drops every row of the given kinds. */
  clear(kinds: readonly PersistedKind[]): void
  /** Runs `fn` so that all its writes land together (one SQLite transaction). */
  transaction<T>(fn: () => T): T
  close(): void
}

/** The default: nothing survives the process. */
export function createMemoryPersistence(): Persistence {
  return {
    put: () => {},
    remove: () => {},
    load: () => [],
    clear: () => {},
    transaction: (fn) => fn(),
    close: () => {},
  }
}
