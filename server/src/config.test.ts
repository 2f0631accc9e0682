// The environment is validated once at start: defaults, and a clear error naming every bad
// variable (the process then exits with code 2 before opening anything).
import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config'
import { MAIN } from './testing/child-server'

describe('loadConfig', () => {
  it('fills the defaults the README lists, and treats empty strings as unset', () => {
    const config = loadConfig({ SHUTDOWN_CLOSE_GRACE_MS: '', PORT: '' })
    expect(config.PORT).toBe(8787)
    expect(config.SHUTDOWN_CLOSE_GRACE_MS).toBe(5_000)
    expect(config.BOOK_UNLOAD_GRACE_MS).toBe(10_000)
  })

  it('reads numbers within their range', () => {
    expect(loadConfig({ SHUTDOWN_CLOSE_GRACE_MS: '0' }).SHUTDOWN_CLOSE_GRACE_MS).toBe(0)
    expect(loadConfig({ SHUTDOWN_CLOSE_GRACE_MS: '60000' }).SHUTDOWN_CLOSE_GRACE_MS).toBe(60_000)
  })

  it.each([['soon'], ['-1'], ['60001'], ['2.5']])('refuses SHUTDOWN_CLOSE_GRACE_MS=%s, naming it', (value) => {
    expect(() => loadConfig({ SHUTDOWN_CLOSE_GRACE_MS: value })).toThrow(ConfigError)
    expect(() => loadConfig({ SHUTDOWN_CLOSE_GRACE_MS: value })).toThrow(/SHUTDOWN_CLOSE_GRACE_MS/)
  })

  it('reads PG_STATEMENT_TIMEOUT_MS (30 s unless set, 0 for none) and refuses a bad one', () => {
    expect(loadConfig({}).PG_STATEMENT_TIMEOUT_MS).toBe(30_000)
    expect(loadConfig({ PG_STATEMENT_TIMEOUT_MS: '0' }).PG_STATEMENT_TIMEOUT_MS).toBe(0)
    expect(loadConfig({ PG_STATEMENT_TIMEOUT_MS: '250' }).PG_STATEMENT_TIMEOUT_MS).toBe(250)
    for (const value of ['soon', '-1', '1.5', '2147483648']) {
      expect(() => loadConfig({ PG_STATEMENT_TIMEOUT_MS: value })).toThrow(/PG_STATEMENT_TIMEOUT_MS/)
    }
  })

  it('names every bad variable at once', () => {
    let message = ''
    try {
      loadConfig({ PORT: '70000', SHUTDOWN_CLOSE_GRACE_MS: 'x', LOG_LEVEL: 'loud' })
    } catch (e) {
      message = (e as Error).message
    }
    for (const name of ['PORT', 'SHUTDOWN_CLOSE_GRACE_MS', 'LOG_LEVEL']) expect(message).toContain(name)
  })

  it('stops the process with code 2 and the message, before opening anything', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, PORT: '0', DATA_DIR: '/nonexistent/never-created', SHUTDOWN_CLOSE_GRACE_MS: 'soon' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let err = ''
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code).toBe(2)
    expect(err).toContain('SHUTDOWN_CLOSE_GRACE_MS')
  })
})
