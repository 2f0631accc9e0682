// `npm run import -- --book <id> --file <path> [--mapping map.json] [--dry-run] [--overwrite]`
// Streams the file to the running server's import endpoint (so the server owns the store and
// connected devices watch the customers arrive), draws a progress bar from the progress lines,
// prints the summary and, with --report, writes the report as JSON or CSV.
import { createReadStream } from 'node:fs'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { COMMON_OPTIONS, CliError, describeError, parseCli, readText, runCli, send, serverUrl, signIn } from './cli-common'
import { formatFromFileName, isImportFormat } from './import-format'
import { reportToCsv, type ImportReport } from './import-report'
import { parseMappingJson } from './mapping'
import { progressBar } from './progress-bar'
import { explainRequestTooLarge } from './request-too-large'
import type { ImportProgress } from './run-import'

const USAGE = `usage: npm run import -- --book <id> --file <path> [options]

  --mapping <map.json>   mapping file (default: suggested from the column names)
  --format csv|json|xml  default: from the file extension
  --dry-run              only report; write nothing
  --overwrite            merged rows replace fields that already have a value
  --encoding <label>     e.g. windows-1252 (default utf-8, or the byte order mark)
  --threshold <0.5-1>    fuzzy name + city similarity for duplicates (default 0.92)
  --report <out.json|out.csv>   write the full report
  --server <url>         default http://127.0.0.1:8787 (or $CRM_SYNC_URL)
  --user <id> | --token <token>   dev login as a user, or a bearer token`

type ServerEvent =
  | ({ type: 'progress' } & ImportProgress)
  | { type: 'report'; report: ImportReport }
  | { type: 'error'; error: { code: string; message: string; details?: unknown } }

async function main(): Promise<void> {
  const args = parseCli(process.argv.slice(2), {
    ...COMMON_OPTIONS,
    file: { type: 'string' },
    mapping: { type: 'string' },
    format: { type: 'string' },
    'dry-run': { type: 'boolean' },
    overwrite: { type: 'boolean' },
    encoding: { type: 'string' },
    threshold: { type: 'string' },
    report: { type: 'string' },
  }, USAGE)
  if (!args.book || !args.file) throw new CliError(`--book and --file are required\n\n${USAGE}`, 2)
  const format = args.format ?? formatFromFileName(args.file)
  if (!format || !isImportFormat(format)) throw new CliError(`cannot tell the format of ${args.file}; pass --format csv, json or xml`, 2)
  const size = (await stat(args.file).catch(() => {
    throw new CliError(`cannot read ${args.file}`, 2)
  })).size
  // Checked here too, so a typo in the mapping file is reported before uploading anything.
  const mapping = args.mapping ? JSON.stringify(parseMappingJson(await readFile(args.mapping, 'utf8'))) : undefined

  const server = serverUrl(args.server)
  const token = await signIn(server, args.user, args.token)
  const query = new URLSearchParams({ format })
  if (args['dry-run']) query.set('dryRun', '1')
  if (args.overwrite) query.set('overwrite', '1')
  if (args.encoding) query.set('encoding', args.encoding)
  if (args.threshold) query.set('threshold', args.threshold)
  if (mapping) query.set('mapping', mapping)

  const url = `${server}/api/books/${encodeURIComponent(args.book)}/import?${query}`
  const res = await send(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, accept: 'application/x-ndjson', 'content-type': 'application/octet-stream', 'content-length': size },
    body: createReadStream(args.file),
  })
  if (res.statusCode === 431) {
    const mappingBytes = mapping ? new URLSearchParams({ mapping }).toString().length : 0
    throw new CliError(`import refused: ${explainRequestTooLarge(await readText(res), { url: url.length, mapping: mappingBytes, token: Buffer.byteLength(token) })}`)
  }
  if (res.statusCode !== 200) throw new CliError(`import refused: ${describeError(res.statusCode, await readText(res))}`)

  const bar = progressBar(size)
  let report: ImportReport | undefined
  for await (const line of createInterface({ input: res, crlfDelay: Infinity })) {
    if (line.trim() === '') continue
    const event = JSON.parse(line) as ServerEvent
    if (event.type === 'progress') bar.update(event)
    else if (event.type === 'report') report = event.report
    else {
      bar.done()
      throw new CliError(`import stopped: ${event.error.code}: ${event.error.message}\n${JSON.stringify(event.error.details ?? {}, null, 2)}`)
    }
  }
  bar.done()
  if (!report) throw new CliError('the server closed the connection before sending the report')
  process.stdout.write(summary(args.book, report))
  if (args.report) {
    await writeFile(args.report, args.report.endsWith('.csv') ? reportToCsv(report) : `${JSON.stringify(report, null, 2)}\n`)
    process.stdout.write(`Report written to ${args.report}\n`)
  }
}

function summary(book: string, r: ImportReport): string {
  const lines = [
    `${r.dryRun ? 'Dry run (nothing written)' : 'Imported'} into book "${book}" in ${(r.elapsedMs / 1000).toFixed(1)} s`,
    `  rows        ${r.rows}`,
    `  imported    ${r.imported}`,
    `  updated     ${r.updated}`,
    `  unchanged   ${r.unchanged}`,
    `  rejected    ${r.rejectedRows} rows`,
    `  duplicates  ${r.duplicateCount} (${r.duplicates.filter((d) => d.action === 'merged').length} merged, ${r.duplicates.filter((d) => d.action === 'candidate').length} to review)`,
    `  mapping     ${r.mappingSuggested ? 'suggested from the columns' : 'from the mapping file'}${r.unmappedColumns.length > 0 ? `; not imported: ${r.unmappedColumns.join(', ')}` : ''}`,
  ]
  if (r.rejected.length > 0) {
    lines.push('Rejected (first 10):')
    for (const i of r.rejected.slice(0, 10)) {
      lines.push(`  row ${i.row}  ${i.field || '(row)'}${i.column ? ` [${i.column}]` : ''}  ${JSON.stringify(i.value ?? '')}  ${i.reason}`)
    }
  }
  if (r.truncated) lines.push(`The lists above stop at ${r.rejected.length} entries; the counts are complete.`)
  return `${lines.join('\n')}\n`
}

await runCli(main)
