// `npm run export -- --book <id> [--format csv|json|xml] [--out file]`
// Streams a book's export from the running server to a file (or stdout).
import { createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { COMMON_OPTIONS, CliError, describeError, parseCli, readText, runCli, send, serverUrl, signIn } from './cli-common'
import { formatFromFileName, isImportFormat } from './import-format'

const USAGE = `usage: npm run export -- --book <id> [options]

  --format csv|json|xml  default: from --out's extension, else json
  --out <file>           default: stdout
  --server <url>         default http://127.0.0.1:8787 (or $CRM_SYNC_URL)
  --user <id> | --token <token>   dev login as a user, or a bearer token`

async function main(): Promise<void> {
  const args = parseCli(process.argv.slice(2), { ...COMMON_OPTIONS, format: { type: 'string' }, out: { type: 'string' } }, USAGE)
  if (!args.book) throw new CliError(`--book is required\n\n${USAGE}`, 2)
  const format = args.format ?? (args.out ? formatFromFileName(args.out) : undefined) ?? 'json'
  if (!isImportFormat(format)) throw new CliError(`unknown format ${format}; use csv, json or xml`, 2)
  const server = serverUrl(args.server)
  const token = await signIn(server, args.user, args.token)
  const res = await send(`${server}/api/books/${encodeURIComponent(args.book)}/export?format=${format}`, {
    method: 'GET',
    headers: { authorization: `Bearer ${token}` },
  })
  if (res.statusCode !== 200) throw new CliError(`export refused: ${describeError(res.statusCode, await readText(res))}`)
  let bytes = 0
  res.on('data', (chunk: Buffer) => (bytes += chunk.length))
  await pipeline(res, args.out ? createWriteStream(args.out) : process.stdout)
  process.stderr.write(`Exported book "${args.book}" as ${format}: ${bytes.toLocaleString('en-US')} bytes${args.out ? ` to ${args.out}` : ''}\n`)
}

await runCli(main)
