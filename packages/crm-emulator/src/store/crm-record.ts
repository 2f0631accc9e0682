// A CRM record as the emulator keeps it, and the change events its writes emit (the raw
// material of webhooks).
import type { ObjectType } from './object-types'
import type { PropertyValues } from './property-values'

export interface CrmRecord {
  id: string
  type: ObjectType
  properties: PropertyValues
  createdAt: string
  updatedAt: string
  archived: boolean
  archivedAt?: string
}

/** Who made a change; webhooks carry it as `changeSource` so a sync can skip its own echoes. */
export const CHANGE_SOURCES = ['INTEGRATION', 'CRM_UI', 'IMPORT'] as const
export type ChangeSource = (typeof CHANGE_SOURCES)[number]

export interface ChangeEvent {
  kind: 'creation' | 'propertyChange' | 'deletion'
  objectType: ObjectType
  objectId: string
  propertyName?: string
  propertyValue?: string
  changeSource: ChangeSource
  occurredAt: number
}

export interface WriteContext {
  source: ChangeSource
}

export const INTEGRATION: WriteContext = { source: 'INTEGRATION' }
