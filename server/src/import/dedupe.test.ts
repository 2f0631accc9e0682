// Dedupe quality on a small labelled file: rows with the same Cluster are the same customer.
// Measures precision and recall over pairs, for the default threshold, and checks that the
// threshold is a real dial (stricter → fewer fuzzy matches).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'csv-parse/sync'
import { startTestServer, type TestServer } from '../testing/test-server'
import type { ImportReport } from './import-report'
import { createBook, fixture, importOk } from './import-test-kit'

const labelled = fixture('dedupe-labelled.csv')
const clusters = (parse(labelled, { columns: true }) as Array<{ Cluster: string }>).map((r) => r.Cluster)
const pairKey = (a: number, b: number) => (a < b ? `${a}-${b}` : `${b}-${a}`)

/** True duplicate pairs (by row number, 1-based) from the Cluster column. */
const truePairs = new Set(clusters.flatMap((c, i) => clusters.slice(0, i).flatMap((d, j) => (c === d ? [pairKey(j + 1, i + 1)] : []))))

function score(report: ImportReport): { precision: number; recall: number; found: string[] } {
  const found = report.duplicates.flatMap((d) => (d.matchedRow !== undefined ? [pairKey(d.matchedRow, d.row)] : []))
  const tp = found.filter((p) => truePairs.has(p)).length
  return { precision: found.length === 0 ? 1 : tp / found.length, recall: tp / truePairs.size, found }
}

describe('dedupe on a labelled fixture', () => {
  let server: TestServer
  let alice = ''
  beforeAll(async () => {
    server = await startTestServer()
    alice = await server.token('alice')
    await createBook(server, alice, 'labelled')
  })
  afterAll(async () => {
    await server.dispose()
  })

  const run = (query: Record<string, string> = {}) =>
    importOk(server, 'labelled', labelled, { token: alice, format: 'csv', query: { dryRun: '1', ...query } })

  it('finds the duplicates with high precision and recall at the default threshold', async () => {
    const report = await run()
    const { precision, recall, found } = score(report)
    console.info(`dedupe: ${found.length} pairs flagged, ${truePairs.size} true; precision ${precision.toFixed(2)}, recall ${recall.toFixed(2)}`)
    expect(truePairs.size).toBe(11)
    expect(precision).toBeGreaterThanOrEqual(0.9)
    expect(recall).toBeGreaterThanOrEqual(0.9)
    // Exact rules merge; the fuzzy name + city rule only reports candidates.
    const rules = Object.fromEntries(report.duplicates.map((d) => [d.row, `${d.rule}:${d.action}`]))
    expect(rules).toMatchObject({ 4: 'email:merged', 6: 'phone:merged', 8: 'website:merged', 10: 'name-city:candidate', 20: 'email:merged' })
  })

  it('never matches a shared profile host, nor the same name in another city', async () => {
    const { found } = score(await run())
    expect(found).not.toContain(pairKey(25, 26))
    expect(found).not.toContain(pairKey(23, 24))
  })

  it('treats the threshold as a dial', async () => {
    const strict = score(await run({ threshold: '0.99' }))
    const loose = score(await run({ threshold: '0.85' }))
    expect(strict.found.length).toBeLessThan(loose.found.length)
    expect(strict.precision).toBe(1)
  })
})
