// The rows one batch of updates is written as. Runs of small updates (keystrokes, remote edits)
// become one merged row each, so a typing session leaves a few rows rather than thousands; a large
// update (a first sync's whole book) is written as it came: merging re-encodes every byte of it
// (≈0.6 s for a 16 MiB book in Node) only to save a row header. Order is kept.
import * as Y from 'yjs'

/** Updates at least this big are rows of their own. */
export const OWN_ROW_BYTES = 256 * 1024

/**
 * Y.mergeUpdates is safe here: every update was applied to this book's document already (yjs#687,
 * crafted updates that lock the decoder, is about bytes nobody has decoded yet). Since
 * applyKnownUpdates, remote ones are the bytes as they came (checked by the relay before it relayed
 * them) rather than Yjs' re-encoding. Should merging throw, the updates are written as they are:
 * just as correct.
 */
const merged = (run: Uint8Array[]): Uint8Array[] => {
  if (run.length <= 1) return run
  try {
    return [Y.mergeUpdates(run)]
  } catch {
    return run
  }
}

export const batchRows = (updates: readonly Uint8Array[]): Uint8Array[] => {
  const rows: Uint8Array[] = []
  let run: Uint8Array[] = []
  for (const u of updates) {
    if (u.byteLength < OWN_ROW_BYTES) {
      run.push(u)
      continue
    }
    rows.push(...merged(run), u)
    run = []
  }
  rows.push(...merged(run))
  return rows
}
