// The local updates the relay has not acknowledged yet ("pendingLocal"), by id. Ids are made on
// this device (unique across tabs and reloads), written to the LocalStore next to the update,
// and dropped once an acknowledged frame covered them (frame-ledger.ts decides which).

const newSession = (): string =>
  (globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`).slice(0, 13)

export class PendingLocal {
  private readonly ids = new Set<string>()
  private readonly session = newSession()
  private counter = 0
  /** The most recent local update, to recognise the frame y-websocket sends for it. */
  private last: { readonly id: string; readonly update: Uint8Array } | null = null

  get size(): number {
    return this.ids.size
  }

  has(id: string): boolean {
    return this.ids.has(id)
  }

  /** Ids loaded from the LocalStore (earlier sessions, other tabs). */
  restore(ids: readonly string[]): void {
    for (const id of ids) this.ids.add(id)
  }

  /** Registers a new local update and returns its id. */
  record(update: Uint8Array): string {
    const id = `${this.session}.${++this.counter}`
    this.ids.add(id)
    this.last = { id, update }
    return id
  }

  /** Every id pending right now: what a sync step 2 sent now carries (or the relay has). */
  all(): string[] {
    return [...this.ids]
  }

  /** The pending id whose update is exactly `payload` (a sync update frame), if any. */
  carriedBy(payload: Uint8Array): string[] {
    const last = this.last
    if (!last || !this.ids.has(last.id) || !sameBytes(last.update, payload)) return []
    return [last.id]
  }

  /** Drops the given ids; returns those that were pending. */
  acknowledge(ids: Iterable<string>): string[] {
    const removed: string[] = []
    for (const id of ids) if (this.ids.delete(id)) removed.push(id)
    if (this.last && !this.ids.has(this.last.id)) this.last = null
    return removed
  }
}

/** Node's Buffer where there is one: its `equals` is a memcmp, and a bridge batch is hundreds of KB. */
const NodeBuffer = (globalThis as { Buffer?: { compare(a: Uint8Array, b: Uint8Array): number } }).Buffer

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.byteLength !== b.byteLength) return false
  if (NodeBuffer) return NodeBuffer.compare(a, b) === 0
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}
