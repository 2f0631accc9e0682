// Builds the web app once before the browser tests, so they run against a fresh client/dist
// (the same bundle and service worker `npm start` serves). Nothing to build without Chromium.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { hasChromium, isCI, SKIP_MESSAGE } from './support/browser'

export default function setup(): void {
  if (!hasChromium && !isCI) {
    console.warn(`\n${SKIP_MESSAGE}\n`)
    return
  }
  if (process.env['E2E_SKIP_BUILD'] === '1') return
  const root = fileURLToPath(new URL('../..', import.meta.url))
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: `${root}client`, stdio: 'inherit' })
}
