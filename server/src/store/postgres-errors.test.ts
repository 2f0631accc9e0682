// Which PostgreSQL failures are passing states the caller should retry shortly (StoreError 'timeout':
// HTTP 503, close 1013) and which are the store failing ('io').
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { isPoolConnectTimeout, toPostgresStoreError } from './postgres-errors'

const sqlError = (code: string) => Object.assign(new pg.DatabaseError(`sqlstate ${code}`, 0, 'error'), { code })

describe('toPostgresStoreError', () => {
  it.each([
    ['57014', 'statement_timeout'],
    ['55P03', 'lock_timeout'],
    ['53300', 'no connection to spare'],
    ['57P03', 'starting up or shutting down'],
    ['57P01', 'ended the connection'],
  ])("makes SQLSTATE %s a 'timeout' (%s), keeping the cause", (code, words) => {
    const cause = sqlError(code)
    const error = toPostgresStoreError(cause, 'loading book b')
    expect(error).toMatchObject({ code: 'timeout', cause })
    expect(error.message).toContain(words)
  })

  it("makes pg-pool's connection timeouts a 'timeout', and only those among plain errors", () => {
    for (const message of ['timeout exceeded when trying to connect', 'Connection terminated due to connection timeout']) {
      expect(isPoolConnectTimeout(new Error(message))).toBe(true)
      expect(toPostgresStoreError(new Error(message), 'x').code).toBe('timeout')
    }
    expect(isPoolConnectTimeout(new Error('Connection terminated unexpectedly'))).toBe(false)
  })

  it("leaves other failures 'io': a syntax error, a dropped connection", () => {
    expect(toPostgresStoreError(sqlError('42601'), 'x').code).toBe('io')
    expect(toPostgresStoreError(new Error('Connection terminated unexpectedly'), 'x').code).toBe('io')
  })
})
