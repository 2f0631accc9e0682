// Book ids for records made in the CRM: a UUIDv7 derived from the CRM id (its time part from the
// CRM's create date), so the same CRM record always gets the same book id. Creating it twice (a
// bridge restarted mid-write, two bridges at once) writes the same map key, never a duplicate.
import { createHash } from 'node:crypto'
import { createIdGenerator } from '@crm-sync/model'
import type { CrmObjectType } from './crm-adapter'

export function bookIdForCrmRecord(portal: string, type: CrmObjectType, crmId: string, createdAt: number): string {
  const digest = createHash('sha256').update(`${portal}:${type}:${crmId}`).digest()
  const ms = Number.isFinite(createdAt) && createdAt > 0 ? createdAt : 0
  return createIdGenerator({ now: () => ms, random: (bytes) => bytes.set(digest.subarray(0, bytes.length)) })()
}
