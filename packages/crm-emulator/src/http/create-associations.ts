// Writes the `associations` of a create request (SimplePublicObjectInputForCreate), after
// checking every type id fits the pair of object types and every target exists.
import { EmulatorError } from '../errors'
import { ASSOCIATION_TYPES } from '../store/association-types'
import type { CrmStore } from '../store/crm-store'
import type { ObjectType } from '../store/object-types'

export interface AssociationRequest {
  to: { id: string }
  types: Array<{ associationCategory: string; associationTypeId: number }>
}

interface PlannedAssociation {
  toType: ObjectType
  toId: string
  typeIds: number[]
}

/** Validates before anything is written, so a bad association fails the create as a whole. */
export function planAssociations(store: CrmStore, fromType: ObjectType, requests: readonly AssociationRequest[] = []): PlannedAssociation[] {
  return requests.map((request) => {
    let toType: ObjectType | undefined
    for (const spec of request.types) {
      const def = ASSOCIATION_TYPES.get(spec.associationTypeId)
      if (!def || def.from !== fromType || spec.associationCategory !== 'HUBSPOT_DEFINED' || (toType && def.to !== toType)) {
        throw new EmulatorError('validation', `${spec.associationCategory} ${spec.associationTypeId} is not a valid association type from ${fromType}`)
      }
      toType = def.to
    }
    if (!toType) throw new EmulatorError('validation', 'An association needs at least one type')
    if (!store.get(toType, request.to.id)) {
      throw new EmulatorError('validation', `Association target ${toType} ${request.to.id} does not exist`)
    }
    return { toType, toId: request.to.id, typeIds: request.types.map((t) => t.associationTypeId) }
  })
}

export function applyAssociations(store: CrmStore, fromType: ObjectType, fromId: string, planned: readonly PlannedAssociation[]): void {
  for (const p of planned) store.associations.add(fromType, fromId, p.toType, p.toId, p.typeIds)
}
