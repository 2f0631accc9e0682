// The temporary directory of a spilled upload is named after the process that owns it
// (`crm-import-<pid>.<start>-XXXXXX`), so that a sweep can tell a crashed process's leftovers
// from the copies of imports still running, here or in another server sharing the same /tmp.
import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'

const PREFIX = 'crm-import-'
/** A pid alone is reused (a container's server is often pid 1 after every restart); pid and start time are not. */
const SELF = { pid: process.pid, start: Math.round(performance.timeOrigin).toString(36) }

/** Creates a fresh spool directory of this process under `parent`. */
export const createSpoolDir = (parent: string): Promise<string> => mkdtemp(join(parent, `${PREFIX}${SELF.pid}.${SELF.start}-`))

export type SpoolDirOwner =
  /** A directory of this very process: an import running now. */
  | { readonly kind: 'self' }
  /** Another process, or an earlier process that had this pid. */
  | { readonly kind: 'process'; readonly pid: number; readonly earlierSelf: boolean }
  /** Made before directories named their owner (`crm-import-XXXXXX`). */
  | { readonly kind: 'unnamed' }

/** The owner a directory name records; undefined for names that are not spool directories. */
export function spoolDirOwner(name: string): SpoolDirOwner | undefined {
  const named = /^crm-import-(\d+)\.([0-9a-z]+)-[A-Za-z0-9]{6}$/.exec(name)
  if (named) {
    const pid = Number(named[1])
    if (pid === SELF.pid && named[2] === SELF.start) return { kind: 'self' }
    return { kind: 'process', pid, earlierSelf: pid === SELF.pid }
  }
  return /^crm-import-[A-Za-z0-9]{6}$/.test(name) ? { kind: 'unnamed' } : undefined
}
