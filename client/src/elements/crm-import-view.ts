// The import screen: upload a CSV, JSON or XML file, preview the server's report (what would be
// imported, updated, rejected and why), then import.
import { LitElement, html, css, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { ImportController } from '../controllers/import-controller'
import { IMPORT_FORMATS, type ImportFormat } from '../lib/api'
import { routePath } from '../lib/routes'
import { sharedStyles } from '../styles/shared-styles'
import './crm-import-report'

@customElement('crm-import-view')
export class CrmImportView extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; padding: 12px; max-width: 820px; margin: 0 auto; }
    h2 { font-size: 1.3rem; margin-bottom: 8px; }
    a.back { display: inline-flex; align-items: center; min-height: var(--tap); color: var(--brand-dark); }
    .step { display: grid; gap: 12px; margin-bottom: 12px; }
    .actions { display: flex; gap: 8px; flex-wrap: wrap; }
    details { margin-bottom: 12px; }
    summary { min-height: var(--tap); display: flex; align-items: center; cursor: pointer; font-weight: 600; }
    section { margin-bottom: 12px; }
    .error { color: var(--danger); }
  `]

  @property() bookId = ''
  private readonly importer = new ImportController(this, () => this.bookId)

  override render() {
    const i = this.importer
    const busy = i.step === 'previewing' || i.step === 'importing'
    return html`
      <a class="back" href=${routePath({ view: 'book', bookId: this.bookId })}>‹ All customers</a>
      <h2>Import customers</h2>
      <div class="card step">
        <div>
          <label for="file">File (CSV, JSON, NDJSON or XML)</label>
          <input id="file" type="file" accept=".csv,.json,.ndjson,.jsonl,.xml,text/csv,application/json,application/xml,text/xml"
            ?disabled=${busy} @change=${(e: Event) => i.choose((e.target as HTMLInputElement).files?.[0] ?? null)} />
        </div>
        ${i.file ? html`<div>
          <label for="format">Format</label>
          <select id="format" ?disabled=${busy} @change=${(e: Event) => i.setFormat((e.target as HTMLSelectElement).value as ImportFormat)}>
            <option value="" ?selected=${!i.format} disabled>Choose…</option>
            ${IMPORT_FORMATS.map((f) => html`<option value=${f} ?selected=${i.format === f}>${f.toUpperCase()}</option>`)}
          </select>
        </div>` : nothing}
        ${i.error ? html`<p class="error" role="alert">${i.error}</p>` : nothing}
        <div class="actions">
          <button type="button" ?disabled=${!i.file || !i.format || busy} @click=${() => void i.preview()}>
            ${i.step === 'previewing' ? 'Checking…' : 'Preview'}</button>
          <button type="button" class="primary" ?disabled=${i.step !== 'preview'} @click=${() => void i.run()}>
            ${i.step === 'importing' ? 'Importing…' : 'Import'}</button>
        </div>
      </div>
      ${i.mappingText ? html`<details class="card">
        <summary>Adjust the mapping (JSON)</summary>
        <label for="mapping" class="visually-hidden">Mapping as JSON</label>
        <textarea id="mapping" rows="10" spellcheck="false" .value=${i.mappingText} ?disabled=${busy}
          @change=${(e: Event) => i.editMapping((e.target as HTMLTextAreaElement).value)}></textarea>
        <p class="muted">Change it, then preview again. Format: server/src/import/README.md.</p>
      </details>` : nothing}
      ${i.report ? html`<section class="card" aria-live="polite" aria-label=${i.step === 'done' ? 'Import result' : 'Preview'}>
        <crm-import-report .report=${i.report} ?done=${i.step === 'done'}></crm-import-report>
        ${i.step === 'done' ? html`<p><button type="button" @click=${() => i.reset()}>Import another file</button></p>` : nothing}
      </section>` : nothing}
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-import-view': CrmImportView
  }
}
