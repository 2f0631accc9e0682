// Every server the bench starts runs as plain JavaScript built once per bench run: ours as `npm
// start` runs it (buildServer), the peers' entry files and the preloads bundled the same way. No
// server carries tsx's loader thread and esbuild service (≈50 MiB of RSS), so memory and CPU
// compare like for like, and ours is measured as users run it.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildServer, bundleForNode } from '../../../server/src/build/build-server'
import type { ServerKind } from './server-process'

export interface ServerBuilds {
  readonly entry: Readonly<Record<ServerKind, string>>
  /** Loaded with --import into every server (exit-with-parent, memory probe). */
  readonly preloads: readonly string[]
  /**
   * A build of this tree (ours, unless BENCH_OURS_MAIN names another): the stall probes run this
   * tree's code, with its bundled workers.
   */
  readonly thisTree: string
}

/** Inside the repository (node_modules above it); ignored by git. */
const OUT = fileURLToPath(new URL('../.build', import.meta.url))
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

let built: Promise<ServerBuilds> | null = null

/** Builds once per process; BENCH_OURS_MAIN names a patched copy of our server to build instead. */
export const serverBuilds = (): Promise<ServerBuilds> => {
  built ??= (async () => {
    const ours = await buildServer(join(OUT, 'ours'), process.env.BENCH_OURS_MAIN ?? undefined)
    const thisTree = process.env.BENCH_OURS_MAIN ? await buildServer(join(OUT, 'this-tree')) : ours
    const peers = join(OUT, 'peers')
    await bundleForNode(
      {
        hocuspocus: here('../peers/hocuspocus-main.ts'),
        'y-websocket-server': here('../peers/y-websocket-server-main.ts'),
        forwarder: here('../peers/forwarder-main.ts'),
        'exit-with-parent': here('./exit-with-parent.ts'),
        'memory-probe': here('./memory-probe.ts'),
      },
      peers,
    )
    const at = (name: string) => join(peers, `${name}.mjs`)
    return {
      entry: { ours, hocuspocus: at('hocuspocus'), 'y-websocket-server': at('y-websocket-server'), forwarder: at('forwarder') },
      preloads: [at('exit-with-parent'), at('memory-probe')],
      thisTree: dirname(thisTree),
    }
  })()
  return built
}
