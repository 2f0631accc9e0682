// Describes the machine a benchmark ran on, because numbers mean nothing without it.
import { execFileSync } from 'node:child_process'
import { cpus, loadavg, totalmem, platform, release } from 'node:os'

export interface Machine {
  readonly cpu: string
  readonly cores: number
  readonly memoryGiB: number
  readonly node: string
  readonly os: string
  readonly date: string
  readonly pinning: string
  /** 1-minute load average when the run started and ended: other work on the machine skews results. */
  readonly load: string
  /** The CPU probe's time (host-speed.ts) at the start and the end; absent in runs before it existed. */
  readonly hostSpeed?: string
}

/** The 1-minute load average, for the record. */
export const loadNow = (): number => Math.round((loadavg()[0] ?? 0) * 100) / 100

/** Whether `taskset` can pin processes here (util-linux, Linux only). */
export const hasTaskset = (): boolean => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export const describeMachine = (pinning: string, loadAtStart: number, hostSpeed: string): Machine => ({
  cpu: cpus()[0]?.model.trim() ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  os: `${platform()} ${release()}`,
  date: new Date().toISOString(),
  pinning,
  load: `${loadAtStart} at start, ${loadNow()} at end`,
  hostSpeed,
})
