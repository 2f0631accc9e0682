// CPU time and resident memory of another process, read from /proc (Linux), so the load
// generator can measure a server without instrumenting it.
import { readFileSync } from 'node:fs'

const CLOCK_TICKS_PER_SECOND = 100 // sysconf(_SC_CLK_TCK) on every Linux the bench targets

/** User + system CPU seconds the process has used so far. */
export const cpuSeconds = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  return (utime + stime) / CLOCK_TICKS_PER_SECOND
}

/** Resident set size in bytes (VmRSS). */
export const rssBytes = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1]
  return kb ? Number(kb) * 1024 : Number.NaN
}
