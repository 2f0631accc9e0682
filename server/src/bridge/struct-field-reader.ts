// The field clock's reader: the book's shape in a StructIndex, and for each changed type its path
// under `customers` read off the index's type table, so an update costs a walk over its bytes and
// a few look-ups instead of integrating it into a copy of the book.
import { TYPE_REF } from '@crm-sync/protocol'
import { NONE } from './client-structs'
import type { FieldChangeReader } from './crdt-field-clock'
import { fieldChangeKeys } from './field-change-keys'
import { StructIndex } from './struct-index'

export class StructFieldReader implements FieldChangeReader {
  private readonly index = new StructIndex()
  private readonly customers = this.index.root('customers')

  load(snapshot: Uint8Array): void {
    this.index.apply(snapshot)
  }

  apply(update: Uint8Array, emit: (key: string) => void): void {
    const { types } = this.index
    for (const { type, keys } of this.index.apply(update)) {
      const path = this.pathOf(type)
      if (!path) continue
      // Only a map's event names keys (YMapEvent.keysChanged); `customers` is a map by contract.
      const isMap = type === this.customers || types.ref(type) === TYPE_REF.map
      const names = isMap ? [...keys].map((k) => String(this.index.keyName(k))) : []
      fieldChangeKeys(path, names, emit)
    }
  }

  /** The keys from `customers` down to `type` (undefined for an array position), or null. */
  private pathOf(type: number): Array<string | undefined> | null {
    const { types } = this.index
    const path: Array<string | undefined> = []
    let t = type
    while (!types.isRoot(t)) {
      const key = types.key(t)
      path.push(key === NONE ? undefined : (this.index.keyName(key) as string))
      t = types.parent(t)
    }
    return t === this.customers ? path.reverse() : null
  }
}
