// Preloaded (--import, with --expose-gc) into every server the bench starts: on SIGUSR2 it runs a
// full garbage collection and prints the process's memory as one JSON line, so idle memory is
// compared after GC in every server alike, without touching any server's code.
process.on('SIGUSR2', () => {
  ;(globalThis as { gc?: () => void }).gc?.()
  const m = process.memoryUsage()
  process.stderr.write(`${JSON.stringify({ msg: 'bench-memory', rss: m.rss, heapUsed: m.heapUsed, external: m.external })}\n`)
})

export {}
