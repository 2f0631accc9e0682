// The composition root of `npm start`: read the environment, start everything, stop cleanly.
import pino from 'pino'
import { ConfigError, loadConfig } from './config'
import { startServer, type RunningServer } from './server'

const FORCED_EXIT_MS = 15_000

const main = async () => {
  let config
  try {
    config = loadConfig()
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message)
      process.exit(2)
    }
    throw e
  }
  // Listening before start-up begins: a SIGTERM while the store opens, the books load or the bridge
  // starts (an orchestrator stopping a pod that is still starting) is a clean stop once it is up,
  // not Node's default of dying on the spot.
  let server: RunningServer | null = null
  let requested: string | null = null
  const stop = (running: RunningServer, signal: string) => {
    running.log.info({ signal }, 'shutting down')
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        running.log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  const onSignal = (signal: string) => {
    if (requested) return
    requested = signal
    setTimeout(() => process.exit(1), FORCED_EXIT_MS).unref()
    if (server) stop(server, signal)
  }
  process.once('SIGTERM', () => onSignal('SIGTERM'))
  process.once('SIGINT', () => onSignal('SIGINT'))
  const log = pino({ level: config.LOG_LEVEL })
  try {
    server = await startServer(config, { serveClient: true, log })
  } catch (err) {
    // startServer has stopped what it had started (the store is closed): one line saying why, and out.
    log.fatal({ err }, 'start-up failed')
    process.exit(1)
  }
  if (requested) stop(server, requested)
}

void main()
