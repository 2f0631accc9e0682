// What the import and export CLIs share: argument parsing, signing in (dev login or a given
// token), plain HTTP requests with streamed bodies, and failing with a readable message.
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Readable } from 'node:stream'
import { parseArgs, type ParseArgsConfig } from 'node:util'

export class CliError extends Error {
  override readonly name = 'CliError'
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message)
  }
}

export const COMMON_OPTIONS = {
  book: { type: 'string' },
  server: { type: 'string' },
  user: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options']

export function parseCli<O extends ParseArgsConfig['options']>(argv: string[], options: O, usage: string) {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: false, strict: true })
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n\n${usage}`, 2)
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`)
    process.exit(0)
  }
  return parsed.values
}

export const serverUrl = (given: string | undefined): string =>
  (given ?? process.env['CRM_SYNC_URL'] ?? `http://127.0.0.1:${process.env['PORT'] ?? 8787}`).replace(/\/$/, '')

/** A bearer token: --token, else a dev login as --user (only where the server allows dev login). */
export async function signIn(server: string, user: string | undefined, token: string | undefined): Promise<string> {
  if (token) return token
  if (!user) throw new CliError('say who you are: --user <id> (dev login) or --token <token>', 2)
  const res = await send(`${server}/api/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user }) })
  const body = await readText(res)
  if (res.statusCode !== 200) throw new CliError(`dev login as ${user} failed: ${describeError(res.statusCode, body)}`)
  return (JSON.parse(body) as { token: string }).token
}

export interface SendOptions {
  readonly method: string
  readonly headers?: Record<string, string | number>
  readonly body?: string | Readable
}

/** One HTTP request; resolves on the response headers, while a streamed body may still be going up. */
export function send(url: string, o: SendOptions): Promise<IncomingMessage> {
  const target = new URL(url)
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = request(target, { method: o.method, headers: o.headers }, resolve)
    req.on('error', (e) => reject(new CliError(`cannot reach ${target.origin}: ${e.message}`)))
    if (o.body === undefined) req.end()
    else if (typeof o.body === 'string') req.end(o.body)
    else {
      o.body.on('error', (e) => req.destroy(e))
      o.body.pipe(req)
    }
  })
}

export async function readText(res: IncomingMessage): Promise<string> {
  let text = ''
  res.setEncoding('utf8')
  for await (const chunk of res) text += chunk as string
  return text
}

/** "422 missing-columns: the mapping names ..." from an error body of the API. */
export function describeError(status: number | undefined, body: string): string {
  try {
    const { error } = JSON.parse(body) as { error: { code: string; message: string; details?: unknown } }
    const details = error.details === undefined ? '' : `\n${JSON.stringify(error.details, null, 2)}`
    return `${status} ${error.code}: ${error.message}${details}`
  } catch {
    return `${status} ${body.slice(0, 500)}`
  }
}

export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main()
  } catch (e) {
    const code = e instanceof CliError ? e.exitCode : 1
    process.stderr.write(`\n${e instanceof CliError ? e.message : (e as Error).stack ?? String(e)}\n`)
    process.exit(code)
  }
}
