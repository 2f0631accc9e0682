// Runs the benchmark scenarios of issue 8 in order and renders RESULTS.md. `run.ts` is the CLI
// (`npm run bench`); the smoke test calls runBench with smoke sizes.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createContext, type BenchContext } from './lib/context'
import { hostSpeed } from './lib/host-speed'
import { describeMachine, loadNow, type Machine } from './lib/machine'
import { renderScenario, renderTable, yesNo, type ScenarioReport } from './lib/report'
import { runBridge } from './scenarios/bridge'
import { runClientStore } from './scenarios/client-store'
import { runColdSync } from './scenarios/cold-sync'
import { runFanOut } from './scenarios/fan-out'
import { runIdle } from './scenarios/idle'
import { runPersistence } from './scenarios/persistence'
import { runReconnect } from './scenarios/reconnect'

export interface BenchOptions {
  readonly smoke: boolean
  readonly serverCore: number | null
  readonly pinning: string
  readonly repeats: number
  /** Scenario numbers to run (all when empty). */
  readonly only: readonly number[]
  readonly log: (message: string) => void
}

export interface BenchResult {
  readonly machine: Machine
  readonly reports: ScenarioReport[]
  readonly seconds: number
}

const SCENARIOS: ReadonlyArray<{ id: number; title: string; run: (ctx: BenchContext) => Promise<ScenarioReport> }> = [
  { id: 1, title: 'Fan-out', run: runFanOut },
  { id: 2, title: 'Idle connections', run: runIdle },
  { id: 3, title: 'Reconnect', run: runReconnect },
  { id: 4, title: 'Cold sync', run: runColdSync },
  { id: 5, title: 'Persistence', run: runPersistence },
  { id: 7, title: 'Bridge', run: runBridge },
  // Last: it needs the client engine, finished after the rest.
  { id: 6, title: 'Client store in Chromium', run: runClientStore },
]

export const runBench = async (o: BenchOptions): Promise<BenchResult> => {
  const started = performance.now()
  const loadAtStart = loadNow()
  const speedAtStart = hostSpeed(o.serverCore !== null)
  const ctx = createContext({ ...o, bigBookCustomers: o.smoke ? 300 : 10_000 })
  const reports: ScenarioReport[] = []
  for (const s of SCENARIOS) {
    if (o.only.length > 0 && !o.only.includes(s.id)) continue
    o.log(`scenario ${s.id}: ${s.title}`)
    try {
      reports.push(await s.run(ctx))
    } catch (e) {
      const cause = e instanceof Error && e.cause !== undefined ? `\ncaused by: ${e.cause instanceof Error ? e.cause.stack : String(e.cause)}` : ''
      o.log(`scenario ${s.id} failed: ${e instanceof Error ? e.stack : String(e)}${cause}`)
      reports.push({
        id: s.id,
        title: s.title,
        method: `**Failed:** ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
        tables: [],
        goals: [],
        notes: [],
        checks: { failed: 1 },
      })
    }
  }
  reports.sort((a, b) => a.id - b.id)
  const speed = `${speedAtStart} at start; ${hostSpeed(o.serverCore !== null)} at end`
  return { machine: describeMachine(o.pinning, loadAtStart, speed), reports, seconds: (performance.now() - started) / 1000 }
}

const FINDINGS = fileURLToPath(new URL('./findings.md', import.meta.url))

export const renderResults = (r: BenchResult, o: Pick<BenchOptions, 'repeats' | 'smoke'>): string => {
  const m = r.machine
  const goals = r.reports.flatMap((s) => s.goals.map((g) => [`${s.id}. ${s.title}`, g.goal, g.measured, yesNo(g.met)]))
  const findings = existsSync(FINDINGS) ? readFileSync(FINDINGS, 'utf8').trim() : '(no findings written yet)'
  return [
    `# Benchmark results${o.smoke ? ' (SMOKE: tiny sizes, not meaningful)' : ''}`,
    `Written by \`npm run bench\` (test/bench/run.ts) on ${m.date}; the whole run took ${Math.round(r.seconds)} s. ` +
      `Medians over ${o.repeats} runs per configuration unless a table says otherwise; ratios compare servers measured in this same run.`,
    renderTable({
      title: 'Machine:',
      columns: ['CPU', 'cores', 'memory', 'Node', 'OS', 'pinning', 'load average (1 min)', 'CPU probe (lower is faster)'],
      rows: [[m.cpu, String(m.cores), `${m.memoryGiB} GiB`, m.node, m.os, m.pinning, m.load, m.hostSpeed ?? '–']],
    }),
    renderTable({ title: '## Goals', columns: ['scenario', 'goal', 'measured (median)', 'met'], rows: goals }),
    ...r.reports.map(renderScenario),
    `## What limits it\n\n${findings}`,
  ].join('\n\n') + '\n'
}
