// Running from source (tsx, vitest), the query worker is TypeScript, and a worker thread does not
// inherit the loader of the thread that started it: register tsx here, then run the worker. The
// server's bundle (build-server.ts) builds book-query-worker.ts under this file's name instead.
import { register } from 'tsx/esm/api'

register()
await import('./book-query-worker.ts')
