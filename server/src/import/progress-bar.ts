// The import CLI's progress bar on stderr, drawn from the server's progress events: redrawn in
// place on a terminal, a plain line every tenth of the way otherwise (CI logs, pipes).
import type { ImportProgress } from './run-import'

const WIDTH = 28

export interface ProgressBar {
  update(p: ImportProgress): void
  done(): void
}

export function progressBar(totalBytes: number, out: NodeJS.WriteStream = process.stderr): ProgressBar {
  let lastTenth = -1
  let drawn = false
  const n = (v: number) => v.toLocaleString('en-US')
  return {
    update(p) {
      const fraction = totalBytes > 0 ? Math.min(1, p.bytes / totalBytes) : 0
      const filled = Math.round(fraction * WIDTH)
      const line = `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%  ${n(p.rows)} rows  ${n(p.imported)} new  ${n(p.updated)} updated  ${n(p.unchanged)} unchanged  ${n(p.rejectedRows)} rejected`
      if (out.isTTY) {
        out.write(`\r${line}\u001b[K`)
        drawn = true
      } else if (Math.floor(fraction * 10) > lastTenth) {
        lastTenth = Math.floor(fraction * 10)
        out.write(`${line}\n`)
      }
    },
    done() {
      if (drawn) out.write('\n')
    },
  }
}
