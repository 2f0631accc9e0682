// The property definitions of each object type: built-ins plus custom ones created through the
// properties API (such as the bridge's unique `crdt_record_id`), persisted with the rest.
import { EmulatorError } from '../errors'
import { OBJECT_TYPES, OBJECT_TYPE_INFO, type ObjectType } from './object-types'
import { builtinProperties, type PropertyDefinition, type PropertyOption, type PropertyType } from './property-definitions'
import type { Persistence } from './persistence'

export interface PropertyCreateInput {
  name: string
  label: string
  type: PropertyType
  fieldType: string
  groupName: string
  description?: string
  options?: PropertyOption[]
  displayOrder?: number
  hasUniqueValue?: boolean
  hidden?: boolean
  formField?: boolean
  externalOptions?: boolean
}

/** Custom properties with `hasUniqueValue` an object type may have. */
export const MAX_UNIQUE_PROPERTIES = 10

export type PropertyUpdateInput = Partial<Omit<PropertyCreateInput, 'name' | 'hasUniqueValue'>>

export class PropertyRegistry {
  private readonly byType = new Map<ObjectType, Map<string, PropertyDefinition>>()

  constructor(
    private readonly persistence: Persistence,
    private readonly now: () => string,
  ) {
    this.reset()
  }

  reset(): void {
    const at = this.now()
    for (const type of OBJECT_TYPES) this.byType.set(type, new Map(builtinProperties(type, at).map((p) => [p.name, p])))
  }

  /** Adds custom definitions kept by the persistence. */
  restore(): void {
    for (const [key, value] of this.persistence.load('property')) {
      const type = key.split(':')[0] as ObjectType
      const def = value as PropertyDefinition
      this.byType.get(type)?.set(def.name, def)
    }
  }

  definitions(type: ObjectType): ReadonlyMap<string, PropertyDefinition> {
    return this.byType.get(type) ?? new Map()
  }

  list(type: ObjectType, archived = false): PropertyDefinition[] {
    return [...this.definitions(type).values()].filter((p) => p.archived === archived)
  }

  get(type: ObjectType, name: string): PropertyDefinition {
    const def = this.definitions(type).get(name)
    if (!def || def.archived) throw new EmulatorError('not-found', `Unable to find property ${name} for object type ${OBJECT_TYPE_INFO[type].objectTypeId}`)
    return def
  }

  uniqueNames(type: ObjectType): string[] {
    return this.list(type).filter((p) => p.hasUniqueValue).map((p) => p.name)
  }

  create(type: ObjectType, input: PropertyCreateInput): PropertyDefinition {
    if (!/^[a-z][a-z0-9_]*$/.test(input.name)) {
      throw new EmulatorError('validation', `Property name ${input.name} must start with a lower-case letter and contain only lower-case letters, digits and underscores`)
    }
    const existing = this.definitions(type).get(input.name)
    if (existing && !existing.archived) {
      throw new EmulatorError('conflict', `A property named '${input.name}' already exists.`, {
        category: 'OBJECT_ALREADY_EXISTS',
        context: { name: [input.name] },
      })
    }
    if (input.hasUniqueValue && input.type !== 'string' && input.type !== 'number') {
      throw new EmulatorError('validation', 'Only string and number properties can have unique values')
    }
    // HubSpot: an object type "can only have a maximum of 10 unique properties" (developer changelog,
    // unique properties for contacts); built-in ones such as contacts' email are not counted here.
    const customUnique = this.list(type).filter((p) => p.hasUniqueValue && !p.hubspotDefined).length
    if (input.hasUniqueValue && customUnique >= MAX_UNIQUE_PROPERTIES) {
      throw new EmulatorError('validation', `An object type can have at most ${MAX_UNIQUE_PROPERTIES} unique properties; ${OBJECT_TYPE_INFO[type].objectTypeId} has ${customUnique}`)
    }
    const at = this.now()
    const def: PropertyDefinition = {
      name: input.name,
      label: input.label,
      type: input.type,
      fieldType: input.fieldType,
      groupName: input.groupName,
      description: input.description ?? '',
      options: input.options ?? [],
      displayOrder: input.displayOrder ?? -1,
      hasUniqueValue: input.hasUniqueValue ?? false,
      hidden: input.hidden ?? false,
      formField: input.formField ?? false,
      calculated: false,
      externalOptions: input.externalOptions ?? false,
      hubspotDefined: false,
      readOnlyValue: false,
      createdAt: at,
      updatedAt: at,
      archived: false,
    }
    this.save(type, def)
    return def
  }

  update(type: ObjectType, name: string, input: PropertyUpdateInput): PropertyDefinition {
    const current = this.get(type, name)
    if (current.hubspotDefined) throw new EmulatorError('validation', `Property ${name} is HubSpot-defined and cannot be modified`)
    const def: PropertyDefinition = { ...current, ...stripUndefined(input), updatedAt: this.now() }
    this.save(type, def)
    return def
  }

  archive(type: ObjectType, name: string): void {
    const current = this.get(type, name)
    if (current.hubspotDefined) throw new EmulatorError('validation', `Property ${name} is HubSpot-defined and cannot be archived`)
    this.save(type, { ...current, archived: true, updatedAt: this.now() })
  }

  private save(type: ObjectType, def: PropertyDefinition): void {
    this.byType.get(type)?.set(def.name, def)
    this.persistence.put('property', `${type}:${def.name}`, def)
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
