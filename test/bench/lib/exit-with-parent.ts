// Preloaded (--import) into every server the bench starts, so that a server never outlives the
// bench even when the bench is killed hard: it exits once its parent process is gone.
const parentPid = process.ppid
setInterval(() => {
  if (process.ppid !== parentPid) process.exit(1)
}, 500).unref()

export {}
