// A fixed piece of CPU work (objects, a Map, JSON), timed on cores 0 and 1 at the start and the end of
// a run. This machine is shared and its speed moved by up to 2× between sessions (findings.md):
// results of two runs compare only next to this figure. Best of 5 in a fresh Node process per core.
import { execFileSync } from 'node:child_process'
import { cpus } from 'node:os'

const WORK = `
let best = Infinity, x = 0
for (let r = 0; r < 5; r++) {
  const t = performance.now(), m = new Map()
  for (let i = 0; i < 100000; i++) { const o = { id: i, name: 'c' + i, tags: [i % 7, i % 11] }; m.set(o.name, o); x += JSON.stringify(o).length }
  for (const v of m.values()) x += v.tags[0]
  best = Math.min(best, performance.now() - t)
}
if (x !== 21934325) throw new Error('probe computed ' + x)
console.log(best.toFixed(1))`

/** Milliseconds the probe took on `core` (unpinned when null). */
export const probeMs = (core: number | null): number => {
  const node = [process.execPath, '-e', WORK]
  const [cmd, ...args] = core === null ? node : ['taskset', '-c', String(core), ...node]
  return Number(execFileSync(cmd!, args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } }).trim())
}

/** "core 0 152 ms, core 1 137 ms" (cores 0 and 1 when pinning is possible, else one unpinned run). */
export const hostSpeed = (pinned: boolean): string =>
  pinned
    ? cpus().slice(0, 2).map((_, core) => `core ${core} ${Math.round(probeMs(core))} ms`).join(', ')
    : `${Math.round(probeMs(null))} ms`
