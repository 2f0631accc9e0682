// The import CLI's progress bar on stderr, drawn from the server's progress events: redrawn in
// place on a terminal, a plain line every tenth of the way otherwise (CI logs, pipes). The
// server reads the file twice, first to check it, then to import it: each phase fills the bar.
import type { ImportPhase, ImportProgress } from './run-import'

const WIDTH = 28

export interface ProgressBar {
  update(p: ImportProgress): void
  done(): void
}

export function progressBar(totalBytes: number, out: NodeJS.WriteStream = process.stderr): ProgressBar {
  let phase: ImportPhase | undefined
  let lastTenth = -1
  let drawn = false
  const n = (v: number) => v.toLocaleString('en-US')
  return {
    update(p) {
      // A server from before the check pass sends no phase: it only imports.
      const now = p.phase ?? 'importing'
      if (now !== phase) {
        phase = now
        lastTenth = -1
      }
      const fraction = totalBytes > 0 ? Math.min(1, p.bytes / totalBytes) : 0
      const filled = Math.round(fraction * WIDTH)
      const counts = now === 'checking'
        ? `checking  ${n(p.checked ?? 0)} rows read, nothing written yet`
        : `${n(p.rows)} rows  ${n(p.imported)} new  ${n(p.updated)} updated  ${n(p.unchanged)} unchanged  ${n(p.rejectedRows)} rejected`
      const line = `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%  ${counts}`
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
