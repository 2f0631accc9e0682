// `npm run build:server`: the bundle `npm start` runs (server/dist/main.mjs).
import { buildServer } from './build-server'

const main = await buildServer()
console.log(`built ${main}`)
