// The shared types of a document as a StructIndex knows them: root types by name, and each
// nested type with its parent type, its key there (NONE for an array element), its kind, and the
// id of the item that holds it (what "deleted" and "existed before this update" are asked of).
import { NONE } from './client-structs'

export class DocTypes {
  /** Root types by the number of their name (ByteKeys). */
  private readonly roots = new Map<number, number>()
  private readonly rootNames: string[] = []
  private parents = new Int32Array(64)
  private keys = new Int32Array(64)
  private refs = new Int8Array(64)
  private itemClients = new Int32Array(64)
  private itemClocks = new Float64Array(64)
  private n = 0

  /** The root type whose name has number `nameKey` (made on first use, as `doc.get(name)` does). */
  root(nameKey: number, name: () => string): number {
    let t = this.roots.get(nameKey)
    if (t === undefined) {
      t = this.add(NONE, NONE, -1, NONE, 0)
      this.roots.set(nameKey, t)
      this.rootNames[t] = name()
    }
    return t
  }

  /** The name of a root type, or null for a nested one. */
  rootName(t: number): string | null {
    return this.rootNames[t] ?? null
  }

  add(parent: number, key: number, ref: number, itemClient: number, itemClock: number): number {
    if (this.n === this.parents.length) this.grow()
    const t = this.n++
    this.parents[t] = parent
    this.keys[t] = key
    this.refs[t] = ref
    this.itemClients[t] = itemClient
    this.itemClocks[t] = itemClock
    return t
  }

  isRoot(t: number): boolean {
    return this.parents[t] === NONE
  }
  parent(t: number): number {
    return this.parents[t]!
  }
  key(t: number): number {
    return this.keys[t]!
  }
  /** The nested type's ref (TYPE_REF); -1 for a root. */
  ref(t: number): number {
    return this.refs[t]!
  }
  itemClient(t: number): number {
    return this.itemClients[t]!
  }
  itemClock(t: number): number {
    return this.itemClocks[t]!
  }

  private grow(): void {
    const size = this.parents.length * 2
    const copy = <A extends Int32Array | Int8Array | Float64Array>(a: A, make: (n: number) => A): A => {
      const b = make(size)
      b.set(a)
      return b
    }
    this.parents = copy(this.parents, (s) => new Int32Array(s))
    this.keys = copy(this.keys, (s) => new Int32Array(s))
    this.refs = copy(this.refs, (s) => new Int8Array(s))
    this.itemClients = copy(this.itemClients, (s) => new Int32Array(s))
    this.itemClocks = copy(this.itemClocks, (s) => new Float64Array(s))
  }
}
