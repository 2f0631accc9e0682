// `npm run crm-emulator`: serves the emulator alone on CRM_EMULATOR_HOST:CRM_EMULATOR_PORT and
// stops cleanly on SIGTERM / SIGINT.
import { configFromEnv, ConfigError } from './config'
import { createCrmEmulator } from './crm-emulator'

async function main(): Promise<void> {
  const config = configFromEnv()
  const emulator = createCrmEmulator(config.options)
  const { url } = await emulator.start(config.port, config.host)
  const companies = emulator.store.count('companies')
  console.log(`[crm-emulator] HubSpot-compatible CRM at ${url} (${companies} companies${config.options.dbFile ? `, ${config.options.dbFile}` : ', in memory'})`)
  const shutdown = (signal: string): void => {
    console.log(`[crm-emulator] ${signal}: stopping`)
    emulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('[crm-emulator] error while stopping', error)
        process.exit(1)
      },
    )
  }
  process.once('SIGTERM', () => shutdown('SIGTERM'))
  process.once('SIGINT', () => shutdown('SIGINT'))
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error)
  process.exit(1)
})
