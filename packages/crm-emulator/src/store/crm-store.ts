// The emulated CRM's records: create, update, archive and look-ups, with the system properties
// HubSpot maintains (hs_object_id, createdate, hs_lastmodifieddate) and unique-value checks.
import { EmulatorError, notFound } from '../errors'
import { AssociationStore } from './association-store'
import type { ChangeEvent, CrmRecord, WriteContext } from './crm-record'
import { OBJECT_TYPES, OBJECT_TYPE_INFO, type ObjectType } from './object-types'
import type { Persistence } from './persistence'
import { PropertyRegistry } from './property-registry'
import { checkPropertyInput, type PropertyInput, type PropertyValues } from './property-values'
import { RecordHistory } from './record-history'
import { ValueIndex } from './value-index'

export interface CrmStoreOptions {
  persistence: Persistence
  /** Milliseconds since the epoch; injectable for tests. */
  clock: () => number
  /** First id handed out; HubSpot ids are large numbers, kept as strings. */
  firstId?: number
}

export type ChangeListener = (event: ChangeEvent) => void

export class CrmStore {
  readonly properties: PropertyRegistry
  readonly associations: AssociationStore
  private readonly records = new Map<ObjectType, Map<string, CrmRecord>>()
  /** Look-ups by unique properties, per type. */
  private readonly indexes = new Map<ObjectType, ValueIndex>()
  /** Every id of a type in numeric order (live and archived), rebuilt when unset. */
  private readonly sortedIds = new Map<ObjectType, string[]>()
  private readonly listeners = new Set<ChangeListener>()
  /** Versions replaced recently, for search's lagging view. */
  private readonly history = new RecordHistory()
  private nextId: number
  private lastStamp = 0

  constructor(private readonly options: CrmStoreOptions) {
    this.properties = new PropertyRegistry(options.persistence, () => new Date(options.clock()).toISOString())
    this.associations = new AssociationStore(options.persistence)
    this.nextId = options.firstId ?? 1001
    for (const type of OBJECT_TYPES) {
      this.records.set(type, new Map())
      this.indexes.set(type, new ValueIndex())
    }
    this.restore()
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  transaction<T>(fn: () => T): T {
    return this.options.persistence.transaction(fn)
  }

  /** Forgets everything (records, associations, custom properties). */
  reset(): void {
    this.options.persistence.clear(['record', 'association', 'property', 'meta'])
    for (const map of this.records.values()) map.clear()
    for (const index of this.indexes.values()) index.clear()
    this.sortedIds.clear()
    this.history.clear()
    this.associations.reset()
    this.properties.reset()
    this.nextId = this.options.firstId ?? 1001
  }

  get(type: ObjectType, id: string, archived = false): CrmRecord | undefined {
    const record = this.records.get(type)?.get(id)
    return record && record.archived === archived ? record : undefined
  }

  require(type: ObjectType, id: string, archived = false): CrmRecord {
    const record = this.get(type, id, archived)
    if (!record) throw notFound(`${OBJECT_TYPE_INFO[type].singular} ${id}`)
    return record
  }

  /** Looks a live record up by a unique property (HubSpot's `idProperty`). */
  findBy(type: ObjectType, propertyName: string, value: string, archived = false): CrmRecord | undefined {
    if (propertyName === 'hs_object_id') return this.get(type, value, archived)
    const records = this.records.get(type) as Map<string, CrmRecord>
    let found: CrmRecord | undefined
    for (const id of this.indexes.get(type)?.ids(propertyName, value, () => records.values()) ?? []) {
      const record = records.get(id)
      // Several archived records may share a value: the oldest, as a scan in creation order finds it.
      if (record?.archived === archived && (!found || Number(record.id) < Number(found.id))) found = record
    }
    return found
  }

  /** Resolves `id` through `idProperty` when given, which must be a unique property. */
  resolve(type: ObjectType, id: string, idProperty: string | undefined, archived = false): CrmRecord {
    if (!idProperty || idProperty === 'hs_object_id') return this.require(type, id, archived)
    this.requireUniqueProperty(type, idProperty)
    const record = this.findBy(type, idProperty, id, archived)
    if (!record) throw notFound(`${OBJECT_TYPE_INFO[type].singular} with ${idProperty}=${id}`)
    return record
  }

  requireUniqueProperty(type: ObjectType, name: string): void {
    const def = this.properties.definitions(type).get(name)
    if (!def || def.archived || (!def.hasUniqueValue && name !== 'hs_object_id')) {
      throw new EmulatorError('validation', `Property ${name} is not a unique identifier property of ${type}`)
    }
  }

  /** Records of a type ordered by id (numeric). */
  list(type: ObjectType, archived = false): CrmRecord[] {
    const records = this.records.get(type) as Map<string, CrmRecord>
    const out: CrmRecord[] = []
    for (const id of this.idsInOrder(type)) {
      const record = records.get(id) as CrmRecord
      if (record.archived === archived) out.push(record)
    }
    return out
  }

  /** Up to `limit` records with an id from `fromId` on, in id order; `more` when others follow. */
  page(type: ObjectType, fromId: number, limit: number, archived = false): { records: CrmRecord[]; more: boolean } {
    const ids = this.idsInOrder(type)
    let lo = 0
    let hi = ids.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (Number(ids[mid]) < fromId) lo = mid + 1
      else hi = mid
    }
    const records = this.records.get(type) as Map<string, CrmRecord>
    const out: CrmRecord[] = []
    for (let i = lo; i < ids.length; i++) {
      const record = records.get(ids[i] as string) as CrmRecord
      if (record.archived !== archived) continue
      if (out.length === limit) return { records: out, more: true }
      out.push(record)
    }
    return { records: out, more: false }
  }

  /**
   * Live records of a type in id order as they were at `cutoff` (ms): what a search index that
   * lags writes holds. Records made since are missing, records changed or archived since show
   * their earlier version.
   */
  listAsOf(type: ObjectType, cutoff: number): CrmRecord[] {
    this.history.prune(this.options.clock())
    const records = this.records.get(type) as Map<string, CrmRecord>
    const out: CrmRecord[] = []
    for (const id of this.idsInOrder(type)) {
      const seen = this.history.asOf(`${type}:${id}`, records.get(id) as CrmRecord, cutoff)
      if (seen && !seen.archived) out.push(seen)
    }
    return out
  }

  count(type: ObjectType): number {
    return this.list(type).length
  }

  /** Validates an input without writing it (so a batch can be checked as a whole first). */
  check(type: ObjectType, input: PropertyInput, selfId?: string): { set: PropertyValues; clear: string[] } {
    const checked = checkPropertyInput(input, this.properties.definitions(type))
    this.checkUnique(type, checked.set, selfId)
    return checked
  }

  create(type: ObjectType, input: PropertyInput, ctx: WriteContext): CrmRecord {
    const { set } = this.check(type, input)
    const id = String(this.nextId++)
    this.options.persistence.put('meta', 'nextId', this.nextId)
    const stamp = this.stamp()
    const iso = new Date(stamp).toISOString()
    const record: CrmRecord = {
      id,
      type,
      properties: { ...set, ...this.systemValues(type, id, iso, iso) },
      createdAt: iso,
      updatedAt: iso,
      archived: false,
    }
    this.save(record, stamp)
    this.emit({ kind: 'creation', objectType: type, objectId: id, changeSource: ctx.source, occurredAt: stamp })
    return record
  }

  /** Applies changed values only; an update that changes nothing leaves the record untouched. */
  update(type: ObjectType, id: string, input: PropertyInput, ctx: WriteContext): CrmRecord {
    const current = this.require(type, id)
    const { set, clear } = this.check(type, input, id)
    const changed = new Map<string, string>()
    for (const [name, value] of Object.entries(set)) if (current.properties[name] !== value) changed.set(name, value)
    for (const name of clear) if (name in current.properties) changed.set(name, '')
    if (changed.size === 0) return current
    const stamp = this.stamp()
    const iso = new Date(stamp).toISOString()
    const properties = { ...current.properties }
    for (const [name, value] of changed) {
      if (value === '') delete properties[name]
      else properties[name] = value
    }
    const record: CrmRecord = { ...current, properties: { ...properties, ...this.systemValues(type, id, current.createdAt, iso) }, updatedAt: iso }
    this.save(record, stamp)
    for (const [propertyName, propertyValue] of changed) {
      this.emit({ kind: 'propertyChange', objectType: type, objectId: id, propertyName, propertyValue, changeSource: ctx.source, occurredAt: stamp })
    }
    return record
  }

  /** Archives a live record; false when there was none. */
  archive(type: ObjectType, id: string, ctx: WriteContext): boolean {
    const current = this.get(type, id)
    if (!current) return false
    const stamp = this.stamp()
    const iso = new Date(stamp).toISOString()
    this.save({ ...current, archived: true, archivedAt: iso, updatedAt: iso }, stamp)
    this.emit({ kind: 'deletion', objectType: type, objectId: id, changeSource: ctx.source, occurredAt: stamp })
    return true
  }

  private checkUnique(type: ObjectType, values: PropertyValues, selfId: string | undefined): void {
    for (const name of this.properties.uniqueNames(type)) {
      const value = values[name]
      if (value === undefined) continue
      const other = this.findBy(type, name, value)
      if (other && other.id !== selfId) {
        throw new EmulatorError(
          'conflict',
          `A ${OBJECT_TYPE_INFO[type].singular} with ${name} "${value}" already exists. Existing ID: ${other.id}`,
          { context: { id: [other.id], propertyName: [name] } },
        )
      }
    }
  }

  private systemValues(type: ObjectType, id: string, createdAt: string, modifiedAt: string): PropertyValues {
    const values: PropertyValues = { hs_object_id: id, createdate: createdAt, hs_lastmodifieddate: modifiedAt }
    if (type === 'contacts') values.lastmodifieddate = modifiedAt
    return values
  }

  /** Never goes back in time, so `hs_lastmodifieddate` orders changes even if the clock does not. */
  private stamp(): number {
    this.lastStamp = Math.max(this.options.clock(), this.lastStamp)
    return this.lastStamp
  }

  private idsInOrder(type: ObjectType): string[] {
    let ids = this.sortedIds.get(type)
    if (!ids) {
      ids = [...(this.records.get(type) as Map<string, CrmRecord>).keys()].sort((a, b) => Number(a) - Number(b))
      this.sortedIds.set(type, ids)
    }
    return ids
  }

  private save(record: CrmRecord, at: number): void {
    const records = this.records.get(record.type) as Map<string, CrmRecord>
    const previous = records.get(record.id)
    this.history.saved(`${record.type}:${record.id}`, previous, at)
    records.set(record.id, record)
    if (!previous) {
      // New ids only grow, so the order usually just extends; otherwise it is rebuilt when next read.
      const ids = this.sortedIds.get(record.type)
      if (ids && (ids.length === 0 || Number(ids[ids.length - 1]) < Number(record.id))) ids.push(record.id)
      else this.sortedIds.delete(record.type)
    }
    this.indexes.get(record.type)?.saved(previous, record)
    this.options.persistence.put('record', `${record.type}:${record.id}`, record)
  }

  private emit(event: ChangeEvent): void {
    for (const listener of this.listeners) listener(event)
  }

  private restore(): void {
    const { persistence } = this.options
    for (const [, value] of persistence.load('record')) {
      const record = value as CrmRecord
      this.records.get(record.type)?.set(record.id, record)
    }
    for (const [key, value] of persistence.load('meta')) if (key === 'nextId' && typeof value === 'number') this.nextId = value
    this.properties.restore()
    this.associations.restore()
  }
}
