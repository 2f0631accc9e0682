// Root test configuration: one vitest project per workspace, plus the cross-workspace tests in test/.
import { defineConfig } from 'vitest/config'

const project = (name: string, root: string, extra: Record<string, unknown> = {}) => ({
  test: {
    name,
    root,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', '*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    ...extra,
  },
})

export default defineConfig({
  test: {
    projects: [
      project('model', 'packages/model'),
      project('protocol', 'packages/protocol'),
      project('sync-client', 'packages/sync-client'),
      project('crm-emulator', 'packages/crm-emulator'),
      // --expose-gc at start (a test checks a dropped room is collectable); set later it is undefined behaviour.
      project('server', 'server', { execArgv: ['--expose-gc'] }),
      project('client', 'client'),
      project('integration', 'test', {
        include: ['**/*.test.ts'],
        exclude: ['bench/scenarios/**', 'node_modules/**'],
        // web app e2e (test/e2e): build client/dist once before the browser tests run
        globalSetup: ['e2e/global-setup.ts'],
      }),
    ],
  },
})
