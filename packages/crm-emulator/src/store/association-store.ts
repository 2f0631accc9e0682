// Associations between records, stored from both sides: writing type 280 (company → contact)
// also writes its inverse 279 (contact → company), as HubSpot's reads show.
import { ASSOCIATION_TYPES } from './association-types'
import type { ObjectType } from './object-types'
import type { Persistence } from './persistence'

export interface AssociationEdge {
  toId: string
  typeIds: number[]
}

const node = (type: ObjectType, id: string): string => `${type}:${id}`

export class AssociationStore {
  /** from node → to node → type ids from the `from` side. */
  private readonly edges = new Map<string, Map<string, Set<number>>>()

  constructor(private readonly persistence: Persistence) {}

  reset(): void {
    this.edges.clear()
  }

  restore(): void {
    for (const [key, value] of this.persistence.load('association')) {
      const [from, to] = key.split('|') as [string, string]
      this.setTypes(from, to, new Set(value as number[]), false)
    }
  }

  /** Adds association types (each a from → to type id); returns the ones that were new. */
  add(fromType: ObjectType, fromId: string, toType: ObjectType, toId: string, typeIds: readonly number[]): number[] {
    const from = node(fromType, fromId)
    const to = node(toType, toId)
    const forward = new Set(this.edges.get(from)?.get(to) ?? [])
    const backward = new Set(this.edges.get(to)?.get(from) ?? [])
    const added: number[] = []
    for (const typeId of typeIds) {
      if (!forward.has(typeId)) added.push(typeId)
      forward.add(typeId)
      const inverse = ASSOCIATION_TYPES.get(typeId)?.inverseTypeId
      if (inverse !== undefined) backward.add(inverse)
    }
    this.setTypes(from, to, forward, true)
    this.setTypes(to, from, backward, true)
    return added
  }

  /** Removes the given types, or every type between the pair when none are given. */
  remove(fromType: ObjectType, fromId: string, toType: ObjectType, toId: string, typeIds?: readonly number[]): void {
    const from = node(fromType, fromId)
    const to = node(toType, toId)
    if (!typeIds) {
      this.setTypes(from, to, new Set(), true)
      this.setTypes(to, from, new Set(), true)
      return
    }
    const forward = new Set(this.edges.get(from)?.get(to) ?? [])
    const backward = new Set(this.edges.get(to)?.get(from) ?? [])
    for (const typeId of typeIds) {
      forward.delete(typeId)
      const inverse = ASSOCIATION_TYPES.get(typeId)?.inverseTypeId
      if (inverse !== undefined) backward.delete(inverse)
    }
    this.setTypes(from, to, forward, true)
    this.setTypes(to, from, backward, true)
  }

  /** Associations of one record to records of `toType`, ordered by target id. */
  of(fromType: ObjectType, fromId: string, toType: ObjectType): AssociationEdge[] {
    const prefix = `${toType}:`
    const result: AssociationEdge[] = []
    for (const [to, types] of this.edges.get(node(fromType, fromId)) ?? []) {
      if (to.startsWith(prefix) && types.size > 0) result.push({ toId: to.slice(prefix.length), typeIds: [...types].sort((a, b) => a - b) })
    }
    return result.sort((a, b) => Number(a.toId) - Number(b.toId))
  }

  private setTypes(from: string, to: string, types: Set<number>, persist: boolean): void {
    let targets = this.edges.get(from)
    if (!targets) this.edges.set(from, (targets = new Map()))
    if (types.size === 0) targets.delete(to)
    else targets.set(to, types)
    if (!persist) return
    if (types.size === 0) this.persistence.remove('association', `${from}|${to}`)
    else this.persistence.put('association', `${from}|${to}`, [...types])
  }
}
