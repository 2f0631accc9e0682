// Runs one CRM batch call for many records and tells, record by record, what happened. HubSpot
// rejects a whole batch for one bad input (400/409), so a rejected batch is split in halves until
// the bad records are alone; they fail permanently, the rest go through.
import { BridgeError, isBridgeError } from './bridge-error'
import { CRM_BATCH_LIMIT } from './crm-adapter'

export type ItemOutcome<R> =
  | { ok: true; result: R }
  | { ok: false; error: BridgeError; permanent: boolean }

export async function runBisecting<I, R>(
  inputs: readonly I[],
  call: (batch: readonly I[]) => Promise<R[]>,
  resultFor: (input: I, results: readonly R[]) => R | undefined,
): Promise<Map<I, ItemOutcome<R>>> {
  const out = new Map<I, ItemOutcome<R>>()
  const run = async (batch: readonly I[]): Promise<void> => {
    if (batch.length === 0) return
    try {
      const results = await call(batch)
      for (const input of batch) {
        const result = resultFor(input, results)
        out.set(input, result === undefined
          ? { ok: false, error: new BridgeError('not-found', 'the CRM returned no result for this record'), permanent: false }
          : { ok: true, result })
      }
    } catch (error) {
      const e = isBridgeError(error) ? error : new BridgeError('transient', String(error), { cause: error })
      const refused = e.code === 'rejected' || e.code === 'conflict'
      if (refused && batch.length > 1) {
        const mid = Math.ceil(batch.length / 2)
        await run(batch.slice(0, mid))
        await run(batch.slice(mid))
        return
      }
      for (const input of batch) out.set(input, { ok: false, error: e, permanent: refused })
    }
  }
  await run(inputs)
  return out
}

export function chunk<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
  return out
}

/**
 * The CRM takes at most CRM_BATCH_LIMIT inputs a call: a larger batch goes as several calls at
 * once (the CRM caller's gate bounds how many are in flight).
 */
export function perCall<I, R>(inputs: readonly I[], call: (part: readonly I[]) => Promise<R>): Promise<R[]> {
  return Promise.all(chunk(inputs, CRM_BATCH_LIMIT).map(call))
}
