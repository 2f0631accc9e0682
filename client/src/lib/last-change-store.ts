// When each customer last changed, as this device saw it. The book contract has no updatedAt
// field and Yjs keeps no times, so the list's "sort by last change" uses what the app observed
// (local and remote edits), falling back to createdAt, and keeps it across reloads.

export interface LastChangeStore {
  get(customerId: string): number | undefined
  set(customerId: string, at: number): void
}

export interface KeyValueStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

/** Kept in localStorage (or any KeyValueStorage), written at most once per `flushMs`. */
export function createLastChangeStore(bookId: string, storage: KeyValueStorage | null, flushMs = 1000): LastChangeStore {
  const key = `crm:last-change:${bookId}`
  const times = new Map<string, number>()
  try {
    const raw = storage?.getItem(key)
    if (raw) for (const [id, at] of Object.entries(JSON.parse(raw) as Record<string, unknown>)) if (typeof at === 'number') times.set(id, at)
  } catch (e) {
    console.warn('last-change times unreadable; starting afresh', e)
  }
  let timer: ReturnType<typeof setTimeout> | null = null
  const flush = () => {
    timer = null
    try {
      storage?.setItem(key, JSON.stringify(Object.fromEntries(times)))
    } catch (e) {
      console.warn('could not keep last-change times', e)
    }
  }
  return {
    get: (id) => times.get(id),
    set(id, at) {
      times.set(id, at)
      if (storage && timer === null) timer = setTimeout(flush, flushMs)
    },
  }
}
