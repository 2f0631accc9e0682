// For this package's *.browser.test.ts (not exported): what fake-indexeddb cannot vouch for is
// run in Debian's Chromium. A module of this package is bundled with esbuild, served on 127.0.0.1
// (an origin with IndexedDB and Web Locks) and exposed to the page as `globalThis.syncClient`.
// Chromium is found and launched as the web app's browser tests do (test/e2e/support/browser.ts).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Browser, BrowserContext } from 'playwright-core'
import { launchChromium } from '../../../test/e2e/support/browser'

export { describeBrowser } from '../../../test/e2e/support/browser'

export interface BrowserPages {
  /** A new context (its own IndexedDB), on the served page, with `globalThis.syncClient` loaded. */
  newContext(): Promise<BrowserContext>
  /** The page's address, for more tabs of a context. */
  readonly url: string
  close(): Promise<void>
}

/** Serves `exports` (an `export … from './module'` line, resolved in this folder) to Chromium pages. */
export async function startBrowserPages(exports: string): Promise<BrowserPages> {
  const bundle = await build({
    stdin: { contents: exports, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'ts' },
    bundle: true, format: 'iife', globalName: 'syncClient', platform: 'browser', target: 'es2022', write: false, logLevel: 'error',
  })
  const files: Record<string, { type: string; body: Uint8Array | string }> = {
    '/': { type: 'text/html', body: '<!doctype html><meta charset="utf-8"><script src="/sync-client.js"></script>' },
    '/sync-client.js': { type: 'text/javascript', body: bundle.outputFiles[0]!.contents },
  }
  const server = await new Promise<Server>((resolve) => {
    const s = createServer((req, res) => {
      const file = files[req.url ?? '']
      if (!file) return void res.writeHead(404).end()
      res.writeHead(200, { 'content-type': file.type }).end(file.body)
    })
    s.listen(0, '127.0.0.1', () => resolve(s))
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  let browser: Browser
  try {
    browser = await launchChromium()
  } catch (e) {
    server.close()
    throw e
  }
  return {
    url,
    async newContext() {
      const context = await browser.newContext()
      const page = await context.newPage()
      page.on('pageerror', (e) => console.error('[page error]', e))
      await page.goto(url)
      return context
    },
    async close() {
      await browser.close()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
