// A short content hash of a record's mapped values, so full reconciles and the consistency
// figure compare one string per record instead of every field.
import { createHash } from 'node:crypto'

export function recordHash(values: Readonly<Record<string, string | null | undefined>>): string {
  const entries = Object.entries(values)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return createHash('sha256').update(JSON.stringify(entries)).digest('base64url').slice(0, 22)
}
