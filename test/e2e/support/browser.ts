// Finds Debian's Chromium for the browser tests and launches it. Without one the tests are
// skipped with a plain message on how to install it, except under CI=true, where a missing
// browser is a failure (the CI image must have it).
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'
import { describe, it } from 'vitest'

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
export const hasChromium = existsSync(CHROMIUM_PATH)
export const isCI = process.env['CI'] === 'true'
const MISSING = `no Chromium at ${CHROMIUM_PATH}`
const INSTALL = 'Install it with `apt-get install chromium` (Debian/Ubuntu) or point CHROMIUM_PATH at a Chromium binary.'
export const SKIP_MESSAGE = `Browser tests (test/e2e) skipped: ${MISSING}. ${INSTALL}`

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  })

/** describe() for browser tests: skipped (with the message) without Chromium, failing under CI. */
export function describeBrowser(name: string, timeoutMs: number, body: () => void): void {
  if (hasChromium) {
    describe(name, { timeout: timeoutMs }, body)
  } else if (isCI) {
    describe(name, () => {
      it('has Chromium to run in (CI=true)', () => {
        throw new Error(`CI=true and ${MISSING}: the browser tests cannot run. ${INSTALL}`)
      })
    })
  } else {
    // global-setup.ts prints SKIP_MESSAGE once for the whole run.
    describe.skip(`${name} (skipped: no Chromium; apt-get install chromium)`, body)
  }
}
