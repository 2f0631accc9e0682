// Bundles the server into plain JavaScript for `npm start`, so that Node runs it without tsx
// compiling TypeScript inside the process: tsx's loader thread and its esbuild service held ≈50 MiB
// of RSS for as long as the server ran (measured: 172 MiB at start under tsx, 112 MiB bundled).
// The workspace packages are TypeScript and are bundled; npm dependencies stay external and load
// from node_modules as they would for the sources (one copy of yjs, native better-sqlite3).
import { existsSync } from 'node:fs'
import { copyFile, mkdir, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'

export const SERVER_MAIN = fileURLToPath(new URL('../main.ts', import.meta.url))
export const SERVER_DIST = fileURLToPath(new URL('../../dist', import.meta.url))

/** Started by Node as files of their own (new Worker(new URL(..., import.meta.url))): copied beside the bundle. */
const WORKER_FILES = ['store/sqlite-wal-checkpoint-worker.mjs']
/**
 * Workers written in TypeScript (they use the workspace packages): bundled as entry points of
 * their own, under the name their .mjs has in the sources (which, there, loads them through tsx).
 */
const WORKER_ENTRIES = { 'snapshot-encode-worker': 'relay/snapshot-encode-worker.ts', 'book-query-worker': 'books/book-query-worker.ts' }

/**
 * Bare imports are external except our workspace packages (TypeScript) and JSON files (i18n-iso-
 * countries' locale data is imported without the import attribute plain Node requires).
 */
const npmPackagesExternal: Plugin = {
  name: 'npm-packages-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@crm-sync/') || args.path.endsWith('.json')) return undefined
      return { path: args.path, external: true }
    })
  },
}

/**
 * Bundles TypeScript entry points (name -> file) into `outdir` as ES modules for Node 20, emptied
 * first (chunk names carry hashes: an earlier build's would pile up). `outdir` must be inside the
 * repository: the bundles find their npm dependencies in node_modules above it.
 */
export async function bundleForNode(entryPoints: Record<string, string>, outdir: string): Promise<void> {
  await rm(outdir, { recursive: true, force: true })
  await mkdir(outdir, { recursive: true })
  await build({
    entryPoints,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    // Optional parts (Redis, PostgreSQL, the bridge and its HubSpot client, the emulator) are imported
    // only when configured; in one file their npm imports would all load at start.
    splitting: true,
    // Chunks sit beside the entry points, as do the workers their code finds by import.meta.url.
    chunkNames: '[name]-[hash]',
    plugins: [npmPackagesExternal],
    // Bundled CommonJS (i18n-iso-countries) calls require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  })
}

/**
 * Builds the server whose entry is `main` (by default this one; the bench passes patched copies)
 * into `outdir`, with its workers, and returns the path of the runnable main.mjs.
 */
export async function buildServer(outdir: string = SERVER_DIST, main: string = SERVER_MAIN): Promise<string> {
  const here = (file: string) => join(dirname(main), file)
  // An older tree (the bench's BENCH_OURS_MAIN) may have a worker as plain .mjs still: copied then.
  const [typed, plain] = partition(Object.entries(WORKER_ENTRIES), ([, file]) => existsSync(here(file)))
  await bundleForNode({ main, ...Object.fromEntries(typed.map(([name, file]) => [name, here(file)])) }, outdir)
  const copies = [...WORKER_FILES, ...plain.map(([, file]) => file.replace(/\.ts$/, '.mjs')).filter((file) => existsSync(here(file)))]
  for (const file of copies) await copyFile(here(file), join(outdir, basename(file)))
  return join(outdir, 'main.mjs')
}

const partition = <T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] => [items.filter(test), items.filter((item) => !test(item))]
