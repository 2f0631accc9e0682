// One transaction on one pooled connection: BEGIN, the work, COMMIT; ROLLBACK on any error.
// node-postgres has no transaction helper of its own (a pool's queries may each take a different
// connection), so every multi-statement operation of the PostgreSQL stores goes through here.
import type { Pool, PoolClient } from 'pg'

/** `BEGIN` by default; pass e.g. `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY` for consistent reads. */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await pool.connect()
  let result: T
  try {
    await client.query(begin)
    result = await work(client)
    await client.query('COMMIT')
  } catch (error) {
    // A connection whose ROLLBACK failed is in an unknown state: release(error) destroys it
    // instead of handing it to the next caller. The work's error is the one that matters.
    await client.query('ROLLBACK').then(
      () => client.release(),
      (rollbackError: Error) => client.release(rollbackError),
    )
    throw error
  }
  client.release()
  return result
}
