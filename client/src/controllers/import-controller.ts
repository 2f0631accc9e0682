// The import screen's steps: pick a file, preview what the server would do (dry run), import.
// The server does the parsing, mapping, validation and dedupe (POST /api/books/:id/import);
// imported customers then arrive in the open book through the relay like any other change.
import { ContextConsumer } from '@lit/context'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { tokenSourceContext } from '../context/token-source-context'
import { ApiError, formatOf, importFile, type ImportFormat, type ImportReport } from '../lib/api'
import type { TokenSource } from './session-controller'

export type ImportStep = 'choose' | 'previewing' | 'preview' | 'importing' | 'done'

export class ImportController implements ReactiveController {
  step: ImportStep = 'choose'
  file: File | null = null
  format: ImportFormat | null = null
  report: ImportReport | null = null
  error: string | null = null
  /** The mapping as JSON: the server's suggestion after a preview, editable before importing. */
  mappingText = ''
  private mappingEdited = false
  private tokens: TokenSource | null = null

  constructor(private readonly host: ReactiveControllerHost & HTMLElement, private readonly bookId: () => string) {
    host.addController(this)
    new ContextConsumer(host, { context: tokenSourceContext, subscribe: true, callback: (t) => (this.tokens = t ?? null) })
  }

  hostConnected(): void {}

  choose(file: File | null): void {
    this.file = file
    this.format = file ? formatOf(file.name) : null
    this.report = null
    this.mappingText = ''
    this.mappingEdited = false
    this.error = file && !this.format ? 'Choose the file format: the name does not end in .csv, .json, .ndjson or .xml.' : null
    this.step = 'choose'
    this.host.requestUpdate()
  }

  setFormat(format: ImportFormat): void {
    this.format = format
    this.error = null
    this.host.requestUpdate()
  }

  editMapping(text: string): void {
    this.mappingText = text
    this.mappingEdited = true
    if (this.step === 'preview') this.step = 'choose' // preview again before importing
    this.host.requestUpdate()
  }

  preview(): Promise<void> {
    return this.send(true)
  }

  run(): Promise<void> {
    return this.send(false)
  }

  reset(): void {
    this.choose(null)
  }

  private async send(dryRun: boolean): Promise<void> {
    const { file, format, tokens } = this
    if (!file || !format || !tokens) return
    this.step = dryRun ? 'previewing' : 'importing'
    this.error = null
    this.host.requestUpdate()
    try {
      const mapping = this.mappingEdited ? this.mappingText : undefined
      const bookId = this.bookId()
      this.report = await tokens.withToken((token) => importFile(token, bookId, format, file, dryRun, mapping))
      this.step = dryRun ? 'preview' : 'done'
      if (dryRun && !this.mappingEdited && this.report.mapping) this.mappingText = JSON.stringify(this.report.mapping, null, 2)
    } catch (e) {
      this.step = dryRun || !this.report ? 'choose' : 'preview'
      this.error = e instanceof ApiError && e.status === 0
        ? 'Importing needs a connection to the server.'
        : e instanceof ApiError && e.status === 404 && e.code === 'not-found' && e.message === 'no such endpoint'
          ? 'This server cannot import files yet.'
          : e instanceof ApiError && e.details ? `${e.message}: ${e.details}` : e instanceof Error ? e.message : String(e)
    }
    this.host.requestUpdate()
  }
}
