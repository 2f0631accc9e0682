// One transaction on one pooled connection: BEGIN, the work, COMMIT; ROLLBACK on any error.
// node-postgres has no transaction helper of its own (a pool's queries may each take a different
// connection), so every multi-statement operation of the PostgreSQL stores (and the bridge's state
// store) goes through here.
import type { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg'
import { isAnswerTimeout } from './postgres-errors'

/** `error`, or one of its causes, is a query the server never answered. */
const hasAnswerTimeout = (error: unknown): boolean => {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) if (isAnswerTimeout(e)) return true
  return false
}
import { MIGRATION_ANSWER_TIMEOUT_MS } from './postgres-pool'

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
    // A query the server never answered is still on the connection: a ROLLBACK would queue behind
    // it for another whole deadline. Released with the error, the pool drops the connection (its
    // socket destroyed). The server rolls the transaction back when it sees the socket gone, or
    // once it has been idle for the answer deadline (idle_in_transaction_session_timeout) if the
    // network lost the close; a COMMIT already sent to a server that stopped is applied if it resumes.
    if (hasAnswerTimeout(error)) {
      client.release(error as Error)
      throw error
    }
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

/** What both a pool and one of its connections offer: a query with its own config. */
interface Queryable {
  query<R extends QueryResultRow>(config: QueryConfig): Promise<QueryResult<R>>
}

/**
 * A query with its own answer deadline instead of the pool's (answerTimeoutMs): the client gives
 * up after `answerTimeoutMs` and, as with the pool's, the connection is dropped.
 */
export function queryWithin<R extends QueryResultRow = QueryResultRow>(
  db: Queryable,
  answerTimeoutMs: number,
  text: string,
  values?: unknown[],
): Promise<QueryResult<R>> {
  // node-postgres reads query_timeout from the query's config before the connection's.
  const config: QueryConfig & { query_timeout: number } = { text, query_timeout: answerTimeoutMs, ...(values ? { values } : {}) }
  return db.query<R>(config)
}

/**
 * `client.query` with the migrations' answer deadline (MIGRATION_ANSWER_TIMEOUT_MS) instead of the
 * pool's: they wait for another instance's migrations or rewrite a big table, and lift
 * statement_timeout for their transaction too.
 */
export const queryUnhurried = <R extends QueryResultRow = QueryResultRow>(client: PoolClient, text: string, values?: unknown[]) =>
  queryWithin<R>(client, MIGRATION_ANSWER_TIMEOUT_MS, text, values)
