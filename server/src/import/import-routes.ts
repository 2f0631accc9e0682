// HTTP face of import and export, mounted under /api/books by server.ts:
//   POST /api/books/:id/import?format=csv|json|xml[&dryRun=1][&overwrite=1][&mapping=<json>]
//        body = the file (streamed; limit MAX_IMPORT_BYTES). Answers the JSON report, the CSV
//        report with `Accept: text/csv`, or progress lines then the report with
//        `Accept: application/x-ndjson`.
//   GET  /api/books/:id/export?format=csv|json|xml   streamed file.
// The whole file is read and checked before the first write (see run-import.ts), so a refused
// import writes nothing. Refusals found before the first batch of records has been read (auth,
// format, mapping, binary or announced oversized files) are plain HTTP errors in every mode;
// with NDJSON, later ones arrive as an error line after the check pass's progress lines.
import { Hono } from 'hono'
import type { Context } from 'hono'
import type { Logger } from 'pino'
import type { TokenService } from '../auth/token-service'
import { requireRole } from '../books/book-access'
import type { BookService } from '../books/book-service'
import { requireIdentity, type AuthEnv } from '../http/auth-middleware'
import { HttpError, isHttpError } from '../http/http-error'
import { bodyTimeoutIn, type RequestBodyTimeoutError } from '../http/request-body-timeouts'
import type { BookDirectory } from '../store/book-directory'
import type { BookPins } from './book-pins'
import type { SpoolOptions } from './body-spool'
import { exportBookStream } from './export-stream'
import { ImportError, isImportError } from './import-error'
import { CONTENT_TYPES, resolveFormat } from './import-format'
import { reportToCsv, type ImportReport } from './import-report'
import { dryRunTarget, liveTarget } from './import-target'
import { parseMappingJson } from './mapping'
import { runImport, type ImportOptions } from './run-import'

export interface ImportRoutesDeps {
  readonly tokens: TokenService
  readonly directory: BookDirectory
  readonly books: BookService
  /** Keeps a book loaded while an import or export runs; the relay's RoomRegistry. */
  readonly pins: BookPins
  readonly maxImportBytes: number
  readonly defaultRegion: string
  readonly log?: Logger
  /** Where a large upload's copy waits between the check pass and the import (default: os.tmpdir()). */
  readonly spool?: SpoolOptions
}

const NDJSON = 'application/x-ndjson'

export const importRoutes = (d: ImportRoutesDeps) =>
  new Hono<AuthEnv>()
    // An import may be answered before its upload has been read to the end (a refusal, or
    // progress lines while it streams), and the server drops the rest of the upload: tell
    // the client not to send its next request on this connection.
    .use('/:bookId/import', async (c, next) => {
      await next()
      c.res.headers.set('connection', 'close')
    })
    .post('/:bookId/import', requireIdentity(d.tokens), async (c) => {
      const bookId = c.req.param('bookId')
      const { userId } = c.get('identity')
      await requireRole(d.directory, bookId, userId, 'editor')
      const options = readOptions(c, d, bookId, userId)
      const declared = Number(c.req.header('content-length') ?? NaN)
      if (declared > d.maxImportBytes) throw asHttp(new ImportError('body-too-large', `the file is larger than the import limit of ${d.maxImportBytes} bytes`, { maxBytes: d.maxImportBytes }))
      const body = c.req.raw.body
      const target = options.dryRun ? await dryRunTarget(d.books, bookId) : await liveTarget(d.books, d.pins, bookId, userId)
      const accept = c.req.header('accept') ?? ''
      if (accept.includes(NDJSON)) return streamImport(c, body, target, options, Number.isFinite(declared) ? declared : undefined)
      let report: ImportReport
      try {
        report = await runImport(chunksOf(body), target, options)
      } catch (e) {
        logBrokenUpload(e, options)
        throw asHttp(e)
      } finally {
        target.close()
        void body?.cancel().catch(() => {})
      }
      if (/\btext\/csv\b/.test(accept)) return c.body(reportToCsv(report), 200, { 'content-type': CONTENT_TYPES.csv })
      return c.json(report)
    })
    .get('/:bookId/export', requireIdentity(d.tokens), async (c) => {
      const bookId = c.req.param('bookId')
      await requireRole(d.directory, bookId, c.get('identity').userId, 'viewer')
      let format
      try {
        format = resolveFormat(c.req.query('format') ?? 'json', undefined)
      } catch (e) {
        throw asHttp(e)
      }
      const stream = await exportBookStream(d.books, d.pins, bookId, format)
      return c.body(stream, 200, {
        'content-type': CONTENT_TYPES[format],
        'content-disposition': `attachment; filename="${bookId}.${format}"`,
        'cache-control': 'no-store',
      })
    })

function readOptions(c: Context, d: ImportRoutesDeps, bookId: string, userId: string): ImportOptions {
  const q = (name: string) => c.req.query(name)
  const flag = (name: string) => ['1', 'true', 'yes'].includes((q(name) ?? '').toLowerCase())
  try {
    const mappingText = q('mapping')
    const threshold = numberOption(q('threshold'), 'threshold', 0.5, 1)
    const batchSize = numberOption(q('batchSize'), 'batchSize', 1, 5000)
    if (batchSize !== undefined && !Number.isInteger(batchSize)) throw new ImportError('invalid-option', 'batchSize must be a whole number')
    const region = q('defaultRegion')
    if (region !== undefined && !/^[A-Za-z]{2}$/.test(region)) throw new ImportError('invalid-option', 'defaultRegion must be a two-letter country code such as DE')
    return {
      bookId,
      userId,
      format: resolveFormat(q('format'), c.req.header('content-type')),
      mapping: mappingText ? parseMappingJson(mappingText) : undefined,
      dryRun: flag('dryRun'),
      overwrite: flag('overwrite'),
      defaultRegion: (region ?? d.defaultRegion).toUpperCase(),
      maxBytes: d.maxImportBytes,
      batchSize,
      encoding: q('encoding'),
      threshold,
      ...(d.log ? { log: d.log } : {}),
      ...(d.spool ? { spool: d.spool } : {}),
    }
  } catch (e) {
    throw asHttp(e)
  }
}

function numberOption(raw: string | undefined, name: string, min: number, max: number): number | undefined {
  if (raw === undefined || raw === '') return undefined
  const n = Number(raw)
  if (!Number.isFinite(n) || n < min || n > max) throw new ImportError('invalid-option', `${name} must be a number from ${min} to ${max}`)
  return n
}

/**
 * Progress lines (phase 'checking', then 'importing'), then the report line. The response
 * starts once the first batch of records has been read and the mapping checked, so early
 * refusals keep their HTTP status; a refusal later in the check pass is an error line, and
 * nothing has been written.
 */
async function streamImport(
  c: Context,
  body: ReadableStream<Uint8Array> | null,
  target: Awaited<ReturnType<typeof liveTarget>>,
  options: ImportOptions,
  totalBytes: number | undefined,
): Promise<Response> {
  const encoder = new TextEncoder()
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let gone = false
  const out = new ReadableStream<Uint8Array>({ start: (ctl) => void (controller = ctl), cancel: () => void (gone = true) })
  // The client may hang up at any time: during the check pass the import ends when the upload
  // breaks (nothing written); once the file is checked, it runs to the end without a listener.
  const send = (event: object) => {
    if (gone) return
    try {
      controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`))
    } catch {
      gone = true
    }
  }
  const close = () => {
    if (gone) return
    gone = true
    controller.close()
  }
  let started = false
  let begin!: () => void
  let refuse!: (e: unknown) => void
  const firstBatch = new Promise<void>((resolve, reject) => ((begin = resolve), (refuse = reject)))
  const start = () => {
    if (!started) begin()
    started = true
  }
  runImport(chunksOf(body), target, {
    ...options,
    onProgress: (p) => {
      start()
      send({ type: 'progress', ...p, ...(totalBytes !== undefined ? { totalBytes } : {}) })
    },
  }).then(
    (report) => {
      start()
      send({ type: 'report', report })
      close()
    },
    (e: unknown) => {
      // Logged the same way whether the response had started or not.
      const broken = logBrokenUpload(e, options)
      if (!started) return refuse(e)
      if (broken) return close()
      const error = streamedError(e)
      if (error.code === 'internal') options.log?.error({ err: e }, 'import failed while streaming')
      else if (error.code === 'store-timeout') options.log?.warn({ err: e }, 'import stopped: the store did not answer in time')
      send({ type: 'error', error })
      close()
    },
  ).finally(() => {
    target.close()
    void body?.cancel().catch(() => {})
  }).catch((e: unknown) => options.log?.error({ err: e }, 'import stream failed'))
  try {
    await firstBatch
  } catch (e) {
    throw asHttp(e)
  }
  return c.body(out, 200, { 'content-type': NDJSON, 'cache-control': 'no-store' })
}

function asHttp(e: unknown): unknown {
  return isImportError(e) ? new HttpError(e.status, e.code, e.message, e.details, { cause: e }) : e
}

/** What a stream already under way says of its failure (the error handler's words). */
function streamedError(e: unknown): { code: string; message: string; details?: unknown } {
  const http = asHttp(e)
  return isHttpError(http) ? { code: http.code, message: http.message, details: http.details } : { code: 'internal', message: 'internal server error' }
}

/**
 * An upload that broke off is not a server fault: a client hanging up is an everyday event
 * (info); the server giving up on an upload that went quiet is worth a look (warn: a timeout
 * too short for the links the reps use?). True when `e` was one of them, now logged.
 */
function logBrokenUpload(e: unknown, options: ImportOptions): boolean {
  const where = { bookId: options.bookId, userId: options.userId }
  if (isImportError(e, 'upload-aborted')) {
    options.log?.info({ ...where, code: e.code, reason: (e.cause as Error | undefined)?.message }, 'import stopped: the client hung up during the upload; nothing written')
    return true
  }
  if (isImportError(e, 'upload-timed-out')) {
    const { reason, limitMs } = e.cause as RequestBodyTimeoutError
    const why = reason === 'idle' ? 'the upload went quiet' : 'the upload was slower than the minimum rate'
    options.log?.warn({ ...where, code: e.code, reason, limitMs }, `import stopped: ${why} and the server stopped waiting; nothing written`)
    return true
  }
  return false
}

/**
 * The request body. A read that fails means the upload broke off: the server's body timeouts
 * (request-body-timeouts.ts) or else the client hanging up.
 */
async function* chunksOf(body: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  if (!body) return
  const reader = body.getReader()
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>
      try {
        next = await reader.read()
      } catch (e) {
        const timeout = bodyTimeoutIn(e)
        if (timeout) throw new ImportError('upload-timed-out', `${timeout.message}: the server stopped waiting for the upload`, { reason: timeout.reason, limitMs: timeout.limitMs }, { cause: timeout })
        throw new ImportError('upload-aborted', 'the upload broke off before its end', undefined, { cause: e })
      }
      if (next.done) return
      yield next.value
    }
  } finally {
    reader.releaseLock()
  }
}
