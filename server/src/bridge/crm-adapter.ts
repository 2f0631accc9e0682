// The bridge's view of a back-office CRM: the few operations it needs, in CRM-neutral terms, so
// the sync logic never touches a vendor SDK. HubSpot is the first implementation
// (hubspot-adapter.ts); every implementation runs runCrmAdapterContract (crm-adapter.contract.ts).

export const CRM_OBJECT_TYPES = ['companies', 'contacts', 'deals'] as const
export type CrmObjectType = (typeof CRM_OBJECT_TYPES)[number]

/** One CRM record. Properties are strings; an unset property is absent. */
export interface CrmObject {
  readonly id: string
  readonly properties: Readonly<Record<string, string>>
  /** Last modification in the CRM (HubSpot's hs_lastmodifieddate), ms since the epoch. */
  readonly modifiedAt: number
  readonly archived: boolean
}

/** A custom property the bridge needs; created when missing. */
export interface CrmPropertySpec {
  readonly name: string
  readonly label: string
  readonly type: 'string' | 'number' | 'datetime'
  /** A unique identifier property (idProperty of upserts). */
  readonly unique?: boolean
}

/** Values to write: a string sets, null clears. */
export type CrmPropertyInput = Record<string, string | null>

export interface CrmUpsertInput {
  /** Value of the idProperty that names the record (the book's record id). */
  readonly key: string
  readonly properties: CrmPropertyInput
}

export interface CrmUpsertResult {
  readonly key: string
  readonly object: CrmObject
  readonly created: boolean
}

export interface CrmUpdateInput {
  /** The CRM's own id. */
  readonly id: string
  readonly properties: CrmPropertyInput
}

export interface ModifiedWindow {
  /** Inclusive bounds on the last-modified time, ms. */
  readonly since: number
  readonly until: number
  /** Only records whose id sorts after this one (numeric CRM ids; '0' to start). */
  readonly afterId: string
  readonly limit: number
  readonly properties: readonly string[]
}

export interface CrmAdapter {
  readonly name: string
  /** Creates the properties that do not exist yet; existing ones are left as they are. */
  ensureProperties(type: CrmObjectType, specs: readonly CrmPropertySpec[]): Promise<void>
  /**
   * Live records modified within [since, until] with an id above `afterId`, ordered by id
   * ascending, at most `limit`. Paging by id instead of an offset keeps every page a fresh query,
   * so neither a result cap nor thousands of records sharing one timestamp can stall it.
   */
  searchModified(type: CrmObjectType, window: ModifiedWindow): Promise<CrmObject[]>
  /** All live records, page by page (no result cap); `after` from the previous page. */
  listPage(type: CrmObjectType, opts: { after?: string; limit: number; properties: readonly string[] }): Promise<{ results: CrmObject[]; after?: string }>
  /** Records by id (or by a unique `idProperty`); missing ones are left out. */
  readBatch(type: CrmObjectType, ids: readonly string[], opts: { idProperty?: string; properties: readonly string[]; archived?: boolean }): Promise<CrmObject[]>
  /** Creates or updates by a unique idProperty: retrying a create never makes a second record. */
  upsertBatch(type: CrmObjectType, idProperty: string, inputs: readonly CrmUpsertInput[]): Promise<CrmUpsertResult[]>
  /** Updates by CRM id; ids that no longer exist (archived) come back in `missing`. */
  updateBatch(type: CrmObjectType, inputs: readonly CrmUpdateInput[]): Promise<{ results: CrmObject[]; missing: string[] }>
  archiveBatch(type: CrmObjectType, ids: readonly string[]): Promise<void>
  /** Links records with the CRM's default association (idempotent). */
  associate(from: CrmObjectType, to: CrmObjectType, pairs: ReadonlyArray<{ from: string; to: string }>): Promise<void>
  /** The ids each record is associated with. */
  readAssociations(from: CrmObjectType, to: CrmObjectType, ids: readonly string[]): Promise<Map<string, string[]>>
}

/** Most inputs one batch call takes (HubSpot: 100). */
export const CRM_BATCH_LIMIT = 100
/** Most results one search page returns (HubSpot: 200). */
export const CRM_SEARCH_LIMIT = 200
