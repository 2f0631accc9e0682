// The import and export CLIs as people run them (tsx, separate processes) against a real
// server: progress on stderr, summary on stdout, report files, exit codes, clear refusals.
import { spawn } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/test-server'
import { createBook, customersOf } from './import-test-kit'

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))

function run(cli: 'import-cli.ts' | 'export-cli.ts', args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', here(cli), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CRM_SYNC_URL: '' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('import and export CLIs', () => {
  let server: TestServer
  let dir = ''
  beforeAll(async () => {
    server = await startTestServer()
    dir = await mkdtemp(join(tmpdir(), 'crm-import-cli-'))
    await createBook(server, await server.token('alice'), 'cli-book')
  })
  afterAll(async () => {
    await server.dispose()
    await rm(dir, { recursive: true, force: true })
  })

  it('imports a file with progress, summary and a CSV report; a second run changes nothing', async () => {
    const report = join(dir, 'report.csv')
    const args = ['--book', 'cli-book', '--file', here('fixtures/messy.csv'), '--server', server.url, '--user', 'alice', '--report', report]
    const first = await run('import-cli.ts', args)
    expect(first.code).toBe(0)
    expect(first.stderr).toMatch(/\[#+\] 100%\s+12 rows\s+6 new/)
    // The check pass reads the whole file before anything is written: its own bar first.
    expect(first.stderr).toMatch(/100%\s+checking\s+12 rows read, nothing written yet\n(.|\n)*100%\s+12 rows\s+6 new/)
    expect(first.stdout).toContain('Imported into book "cli-book"')
    expect(first.stdout).toMatch(/imported\s+6\n\s+updated\s+1\n\s+unchanged\s+1\n\s+rejected\s+4 rows/)
    expect(first.stdout).toContain('row 7  phone [Phone]  "12345"  not a valid number in DE')
    expect(await readFile(report, 'utf8')).toContain('rejected,5,name,Company,,a customer needs a name')
    expect(await customersOf(server, 'cli-book')).toHaveLength(6)

    const second = await run('import-cli.ts', [...args.slice(0, -2), '--report', join(dir, 'report.json')])
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/imported\s+0\n\s+updated\s+0\n\s+unchanged\s+8/)
    expect(JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'))).toMatchObject({ imported: 0, unchanged: 8 })
  })

  it('dry-runs an XML file with a mapping file', async () => {
    const result = await run('import-cli.ts', [
      '--book', 'cli-book', '--file', here('fixtures/legacy-accounts.xml'), '--mapping', here('fixtures/legacy-accounts.mapping.json'),
      '--dry-run', '--server', server.url, '--token', await server.token('alice'),
    ])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Dry run (nothing written)')
    expect(result.stdout).toMatch(/imported\s+2/)
    expect(await customersOf(server, 'cli-book')).toHaveLength(6)
  })

  it('fails clearly: missing columns, bad mapping file, viewer, missing arguments', async () => {
    const mapping = join(dir, 'bad-columns.json')
    await writeFile(mapping, JSON.stringify({ fields: { name: 'Firm' } }))
    const missing = await run('import-cli.ts', ['--book', 'cli-book', '--file', here('fixtures/messy.csv'), '--mapping', mapping, '--server', server.url, '--user', 'alice'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('422 missing-columns')
    expect(missing.stderr).toContain('Firm')

    const invalid = join(dir, 'invalid.json')
    await writeFile(invalid, '{"fields": {"colour": "x"}}')
    const bad = await run('import-cli.ts', ['--book', 'cli-book', '--file', here('fixtures/messy.csv'), '--mapping', invalid, '--server', server.url, '--user', 'alice'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('the mapping is not valid')

    const huge = join(dir, 'huge.json')
    await writeFile(huge, JSON.stringify({ fields: { name: 'Company' }, nullValues: Array.from({ length: 1500 }, (_, i) => `null-value-${i}`) }))
    const tooLong = await run('import-cli.ts', ['--book', 'cli-book', '--file', here('fixtures/messy.csv'), '--mapping', huge, '--server', server.url, '--user', 'alice'])
    expect(tooLong.code).toBe(1)
    expect(tooLong.stderr).toMatch(/431 .* [\d.]+ KB of it the mapping once encoded; .* The mapping travels in the URL: shorten the mapping file/)

    const viewer = await run('import-cli.ts', ['--book', 'north-territory', '--file', here('fixtures/messy.csv'), '--server', server.url, '--user', 'dave'])
    expect(viewer.stderr).toContain('403 read-only')

    const usage = await run('import-cli.ts', ['--file', 'x.csv'])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('usage: npm run import')
  })

  it('blames a 431 on what caused it: an oversized token is not the mapping, and a server that says why is quoted', async () => {
    const file = here('fixtures/messy.csv')
    const bigToken = await run('import-cli.ts', ['--book', 'cli-book', '--file', file, '--server', server.url, '--token', 'x'.repeat(20_000)])
    expect(bigToken.code).toBe(1)
    expect(bigToken.stderr).toMatch(/431 .* the token is 19\.5 KB\. The token travels in the Authorization header/)
    expect(bigToken.stderr).not.toContain('shorten the mapping')

    // A server (or proxy) that answers 431 with an error body of its own.
    const explaining = createServer((req, res) => {
      req.resume()
      res.writeHead(431, { 'content-type': 'application/json', connection: 'close' })
      res.end(JSON.stringify({ error: { code: 'cookie-too-large', message: 'the Cookie header is over 8 KB' } }))
    })
    await new Promise<void>((resolve) => explaining.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = explaining.address() as AddressInfo
      const mapping = join(dir, 'small-mapping.json')
      await writeFile(mapping, JSON.stringify({ fields: { name: 'Company' } }))
      const quoted = await run('import-cli.ts', ['--book', 'cli-book', '--file', file, '--mapping', mapping, '--server', `http://127.0.0.1:${port}`, '--token', 't'])
      expect(quoted.code).toBe(1)
      expect(quoted.stderr).toContain('import refused: 431 cookie-too-large: the Cookie header is over 8 KB')
      expect(quoted.stderr).not.toContain('mapping')
    } finally {
      explaining.close()
    }
  })

  it('exports a book to a file in each format', async () => {
    for (const format of ['csv', 'json', 'xml']) {
      const out = join(dir, `export.${format}`)
      const result = await run('export-cli.ts', ['--book', 'cli-book', '--out', out, '--server', server.url, '--user', 'alice'])
      expect(result.code).toBe(0)
      expect(result.stderr).toContain(`Exported book "cli-book" as ${format}`)
      expect((await readFile(out, 'utf8')).length).toBeGreaterThan(200)
    }
    expect(JSON.parse(await readFile(join(dir, 'export.json'), 'utf8'))).toHaveLength(6)
  })
})
