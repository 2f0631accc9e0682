// Which item holds each key of each map type, and whether a newly integrated item takes it over.
//
// A map item's origin is the item that held the key where it was made (none for a new key), so a
// key's items form a tree by origin; Yjs orders them depth-first, children by ascending client
// id after their parent's subtree, and the last one holds the key. A new item therefore takes the
// key over exactly when its origin lies on the path from the root to the current holder and its
// client id is above that of the path's next item (the current rightmost child of its origin).
import type { ClientStructs } from './client-structs'
import { NONE } from './client-structs'
import { KeySlabs } from './key-slabs'

const CLIENT_SLOTS = 2 ** 21

export class MapWinners {
  /** (type, key) → the holding item, packed as clock · 2^21 + client index. */
  private readonly holders = new KeySlabs()

  constructor(private readonly clientAt: (index: number) => ClientStructs) {}

  /** The holder packed (see `holders`), or -1. */
  holder(type: number, key: number): number {
    return this.holders.get(type, key)
  }

  static clientOf(packed: number): number {
    return packed % CLIENT_SLOTS
  }

  static clockOf(packed: number): number {
    return Math.floor(packed / CLIENT_SLOTS)
  }

  set(type: number, key: number, clientIndex: number, clock: number): void {
    if (clientIndex >= CLIENT_SLOTS || clock >= 2 ** 32) throw new RangeError('document too large for the field clock')
    this.holders.set(type, key, clock * CLIENT_SLOTS + clientIndex)
  }

  /** Whether an item of `client` made with this origin (NONE: none) takes over the key held by `holder`. */
  wins(holder: number, originIndex: number, originClock: number, client: number): boolean {
    if (holder < 0) return true
    let c = this.clientAt(MapWinners.clientOf(holder))
    let clock = MapWinners.clockOf(holder)
    if (originIndex === c.index && originClock === clock) return true
    // Walk from the holder towards the root; `childClient` is the path's item below the current one.
    let childClient = c.client
    for (;;) {
      const i = c.find(clock)
      let up: ClientStructs | null
      let upClock: number
      if (clock > c.start(i)) (up = c), (upClock = clock - 1) // inside a run of one client's items
      else if (c.originClient(i) === NONE) (up = null), (upClock = 0)
      else (up = this.clientAt(c.originClient(i))), (upClock = c.originClock(i))
      if (up === null) return originIndex === NONE && client > childClient
      if (up.index === originIndex && upClock === originClock) return client > childClient
      childClient = up.client
      c = up
      clock = upClock
    }
  }
}
