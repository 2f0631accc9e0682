// HubSpot-defined association types between companies, contacts and deals (v4 type ids), each
// with its inverse, so an association written from either side reads back from both.
import { EmulatorError } from '../errors'
import { OBJECT_TYPE_INFO, type ObjectType } from './object-types'

export interface AssociationTypeDef {
  typeId: number
  from: ObjectType
  to: ObjectType
  /** v3 name, e.g. `company_to_contact`. */
  name: string
  /** Label shown by v4 reads; HubSpot names the primary company association "Primary". */
  label: string | null
  inverseTypeId: number
  /** The type `associations/default` creates. */
  isDefault: boolean
}

type Row = [typeId: number, from: ObjectType, to: ObjectType, inverse: number, label: string | null, isDefault: boolean]
const ROWS: Row[] = [
  [1, 'contacts', 'companies', 2, 'Primary', false],
  [2, 'companies', 'contacts', 1, 'Primary', false],
  [279, 'contacts', 'companies', 280, null, true],
  [280, 'companies', 'contacts', 279, null, true],
  [3, 'deals', 'contacts', 4, null, true],
  [4, 'contacts', 'deals', 3, null, true],
  [5, 'deals', 'companies', 6, 'Primary', false],
  [6, 'companies', 'deals', 5, 'Primary', false],
  [341, 'deals', 'companies', 342, null, true],
  [342, 'companies', 'deals', 341, null, true],
]

export const ASSOCIATION_TYPES: ReadonlyMap<number, AssociationTypeDef> = new Map(
  ROWS.map(([typeId, from, to, inverseTypeId, label, isDefault]) => {
    const base = `${OBJECT_TYPE_INFO[from].singular}_to_${OBJECT_TYPE_INFO[to].singular}`
    const name = label === 'Primary' || from === 'deals' && to === 'contacts' || from === 'contacts' && to === 'deals'
      ? base
      : `${base}_unlabeled`
    return [typeId, { typeId, from, to, name, label, inverseTypeId, isDefault }]
  }),
)

export function associationType(typeId: number, from: ObjectType, to: ObjectType): AssociationTypeDef {
  const def = ASSOCIATION_TYPES.get(typeId)
  if (!def || def.from !== from || def.to !== to) {
    throw new EmulatorError(
      'validation',
      `${typeId} is not a valid association type id between ${OBJECT_TYPE_INFO[from].upper} and ${OBJECT_TYPE_INFO[to].upper}`,
    )
  }
  return def
}

export function defaultAssociationType(from: ObjectType, to: ObjectType): AssociationTypeDef {
  for (const def of ASSOCIATION_TYPES.values()) if (def.from === from && def.to === to && def.isDefault) return def
  throw new EmulatorError('validation', `No default association between ${from} and ${to}`)
}
