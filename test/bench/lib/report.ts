// What a scenario hands back and how RESULTS.md shows it: Markdown tables, goals met or missed,
// and number formatting shared by every scenario so the tables read alike.

export interface Table {
  readonly title?: string
  readonly columns: readonly string[]
  readonly rows: readonly (readonly string[])[]
}

export interface Goal {
  readonly goal: string
  readonly measured: string
  /** null: not measured in this run (the reason is in `measured`). */
  readonly met: boolean | null
}

export interface ScenarioReport {
  readonly id: number
  readonly title: string
  /** How it was measured, one paragraph. */
  readonly method: string
  readonly tables: readonly Table[]
  readonly goals: readonly Goal[]
  readonly notes: readonly string[]
  /** Whole-run facts for the smoke test and the summary (e.g. counts that must be non-zero). */
  readonly checks?: Record<string, number>
}

export const ms = (v: number): string => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)) : '–')
export const num = (v: number, digits = 0): string =>
  Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–'
export const mib = (bytes: number): string => (Number.isFinite(bytes) ? (bytes / 2 ** 20).toFixed(1) : '–')
export const kib = (bytes: number): string => (Number.isFinite(bytes) ? (bytes / 1024).toFixed(1) : '–')
export const bytes = (v: number): string =>
  !Number.isFinite(v) ? '–' : v >= 2 ** 20 ? `${mib(v)} MiB` : v >= 10 * 1024 ? `${kib(v)} KiB` : `${num(v)} B`
export const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–')
/** A goal's verdict, or null (not run) when a number it needs was not measured in this run. */
export const metIf = (met: boolean, ...needed: number[]): boolean | null => (needed.every(Number.isFinite) ? met : null)
export const yesNo = (met: boolean | null): string => (met === null ? 'not measured' : met ? '**yes**' : '**NO**')

export const renderTable = (t: Table): string => {
  const head = `| ${t.columns.join(' | ')} |\n|${t.columns.map(() => '---').join('|')}|\n`
  const body = t.rows.map((r) => `| ${r.join(' | ')} |`).join('\n')
  return `${t.title ? `${t.title}\n\n` : ''}${head}${body}\n`
}

export const renderGoals = (goals: readonly Goal[]): string =>
  renderTable({ columns: ['goal', 'measured (median)', 'met'], rows: goals.map((g) => [g.goal, g.measured, yesNo(g.met)]) })

export const renderScenario = (r: ScenarioReport): string =>
  [
    `## ${r.id}. ${r.title}`,
    r.method,
    ...r.tables.map(renderTable),
    r.goals.length > 0 ? `Goals:\n\n${renderGoals(r.goals)}` : '',
    ...r.notes.map((n) => `- ${n}`),
  ]
    .filter((s) => s !== '')
    .join('\n\n')
