// `npm run bench`: pins this load generator to one core and the servers to another, runs every
// scenario and writes test/bench/RESULTS.md. BENCH_SMOKE=1 runs tiny sizes; BENCH_ONLY=1,3 picks
// scenarios; BENCH_REPEATS sets repetitions; BENCH_OUT names another output file (a .json beside it
// keeps the raw results).
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { renderResults, runBench, type BenchResult } from './bench'
import { hasTaskset } from './lib/machine'

const smoke = process.env.BENCH_SMOKE === '1'
const repeats = Number(process.env.BENCH_REPEATS ?? (smoke ? 1 : 3))
const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean).map(Number)
const out = process.env.BENCH_OUT ?? fileURLToPath(new URL(smoke ? './RESULTS.smoke.md' : './RESULTS.md', import.meta.url))

// Servers on core 0, this process (and all its threads, e.g. Chromium's parent) on core 1.
let serverCore: number | null = null
let pinning = 'none (taskset unavailable or one core): server and load generator share the cores'
if (hasTaskset() && (await import('node:os')).cpus().length >= 2) {
  execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' })
  serverCore = 0
  pinning = 'taskset: server process on core 0, load generator on core 1'
}

const log = (m: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}`)
// BENCH_RENDER_ONLY=1 re-renders the Markdown from the last run's JSON (after editing findings.md).
const json = out.replace(/\.md$/, '.json')
const result: BenchResult =
  process.env.BENCH_RENDER_ONLY === '1'
    ? (JSON.parse(readFileSync(json, 'utf8')) as BenchResult)
    : await runBench({ smoke, serverCore, pinning, repeats, only, log })
writeFileSync(json, `${JSON.stringify(result, null, 1)}\n`)
writeFileSync(out, renderResults(result, { repeats, smoke }))
log(`wrote ${out} in ${Math.round(result.seconds)} s`)
process.exit(0)
