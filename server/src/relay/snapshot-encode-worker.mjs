// Running from source (tsx, vitest), the snapshot worker is TypeScript, and a worker thread does
// not inherit the loader of the thread that started it: register tsx here, then run the worker.
// The server's bundle (build-server.ts) builds snapshot-encode-worker.ts under this file's name.
import { register } from 'tsx/esm/api'

register()
await import('./snapshot-encode-worker.ts')
