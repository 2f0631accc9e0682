// `npx tsx test/bench/open-loop.ts`: scenario 5's open loop alone (ours, 15,000 updates/s offered,
// 1 s warm-up and 5 s measured), BENCH_REPEATS times on fresh servers, pinned as `npm run bench`
// pins: for trying a change to the durable path without the whole scenario. BENCH_OURS_NODE_ARGS
// passes flags to the server (e.g. --cpu-prof).
import { execFileSync } from 'node:child_process'
import { cpus } from 'node:os'
import { createContext } from './lib/context'
import { hasTaskset } from './lib/machine'
import { measureDurableUpdates } from './scenarios/persistence'

const RATE = 15_000
const repeats = Number(process.env.BENCH_REPEATS ?? 3)
let serverCore: number | null = null
if (hasTaskset() && cpus().length >= 2) {
  execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' })
  serverCore = 0
}
const log = (m: string) => console.log(`[open loop ${new Date().toISOString().slice(11, 19)}] ${m}`)
const ctx = createContext({ smoke: false, serverCore, repeats, log, bigBookCustomers: 0 })
for (let r = 0; r < repeats; r++) {
  const pool = Math.ceil(((RATE * 6) / 16) * 1.1)
  const run = await measureDurableUpdates('ours', ctx, RATE, 1, 5, pool)
  log(`${Math.round(run.ackedPerSecond)}/s acked, p50 ${run.p50.toFixed(2)} ms, p99 ${run.p99.toFixed(1)} ms, max ${run.max.toFixed(1)} ms, ` +
    `server ${(run.serverCpu * 100).toFixed(0)} % of a core, ${run.cpuMicrosPerUpdate.toFixed(1)} µs/update, unacked ${run.unacked}`)
}
process.exit(0)
