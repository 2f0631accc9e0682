// Who else has the book open, and which customer and field they are on: a view over the
// awareness states. Names and ids come from `user`, which the relay overwrites with the
// identity of the token, so nobody can pose as someone else.
import type { BookHandle } from '@crm-sync/sync-client'
import { userColor } from '../lib/format'

type Awareness = BookHandle['awareness']

export interface Peer {
  readonly clientId: number
  readonly userId: string
  readonly name: string
  readonly color: string
  readonly customerId: string | null
  readonly field: string | null
}

export interface PresenceFocus {
  readonly customerId: string | null
  readonly field: string | null
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)

export class Presence {
  private readonly listeners = new Set<() => void>()
  private cached: Peer[] | null = null

  constructor(private readonly awareness: Awareness) {
    awareness.on('change', this.onChange)
  }

  /** Everyone else with the book open (other people, and this user's other devices). */
  peers(): Peer[] {
    if (this.cached) return this.cached
    const out: Peer[] = []
    for (const [clientId, state] of this.awareness.getStates()) {
      if (clientId === this.awareness.clientID) continue
      const user = (state as { user?: { id?: unknown; name?: unknown } }).user
      const userId = str(user?.id)
      if (!userId) continue
      const focus = (state as { focus?: { customerId?: unknown; field?: unknown } }).focus
      out.push({
        clientId,
        userId,
        name: str(user?.name) ?? userId,
        color: userColor(userId),
        customerId: str(focus?.customerId),
        field: str(focus?.field),
      })
    }
    this.cached = out.sort((a, b) => a.name.localeCompare(b.name) || a.clientId - b.clientId)
    return this.cached
  }

  on(customerId: string): Peer[] {
    return this.peers().filter((p) => p.customerId === customerId)
  }

  setFocus(focus: PresenceFocus): void {
    const current = this.awareness.getLocalState()?.['focus'] as PresenceFocus | undefined
    if (current?.customerId === focus.customerId && current?.field === focus.field) return
    this.awareness.setLocalStateField('focus', focus)
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  dispose(): void {
    this.awareness.off('change', this.onChange)
    this.listeners.clear()
  }

  private readonly onChange = (): void => {
    this.cached = null
    for (const fn of [...this.listeners]) fn()
  }
}
