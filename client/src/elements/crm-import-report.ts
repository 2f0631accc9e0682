// What an import did or would do: the counts, the mapping from file columns to customer fields
// (and columns left out), the rows rejected with their reasons, and possible duplicates.
import { LitElement, html, css, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import type { ImportReport, ImportSource } from '../lib/api'
import { plural } from '../lib/format'
import { sharedStyles } from '../styles/shared-styles'

const LISTED = 200

const sourceText = (s: ImportSource): string => {
  if (typeof s === 'string') return s
  const from = s.from === undefined ? (s.value !== undefined ? `"${s.value}" (fixed)` : '') : Array.isArray(s.from) ? s.from.join(' + ') : s.from
  return s.transform ? `${from} (${JSON.stringify(s.transform)})` : from
}

@customElement('crm-import-report')
export class CrmImportReport extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: grid; gap: 12px; }
    dl { display: grid; grid-template-columns: repeat(auto-fit, minmax(100px, 1fr)); gap: 8px; margin: 0; }
    dl div { background: var(--bg); border-radius: var(--radius); padding: 8px 12px; }
    dt { font-size: 0.8rem; color: var(--muted); }
    dd { margin: 0; font-size: 1.3rem; font-weight: 700; }
    h3 { font-size: 1rem; }
    .table-wrap { overflow-x: auto; max-width: 100%; }
    table { border-collapse: collapse; width: 100%; font-size: 0.875rem; }
    th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--border); vertical-align: top; overflow-wrap: anywhere; }
  `]

  @property({ attribute: false }) report!: ImportReport
  @property({ type: Boolean }) done = false

  override render() {
    const r = this.report
    const fields = Object.entries(r.mapping?.fields ?? {})
    return html`
      <h3>${this.done ? 'Imported' : 'Preview: nothing written yet'}</h3>
      <dl>
        ${r.rows !== undefined ? html`<div><dt>Rows</dt><dd>${r.rows}</dd></div>` : nothing}
        <div><dt>New</dt><dd data-count="imported">${r.imported}</dd></div>
        <div><dt>Updated</dt><dd data-count="updated">${r.updated}</dd></div>
        <div><dt>Unchanged</dt><dd>${r.unchanged}</dd></div>
        <div><dt>Rejected rows</dt><dd data-count="rejected">${r.rejectedRows ?? r.rejected.length}</dd></div>
        <div><dt>Duplicates</dt><dd>${r.duplicateCount ?? r.duplicates.length}</dd></div>
      </dl>
      ${fields.length > 0 ? html`<h3>Mapping${r.mappingSuggested ? ' (suggested from the column names)' : ''}</h3>
        <div class="table-wrap"><table aria-label="Mapping">
          <thead><tr><th scope="col">Customer field</th><th scope="col">From the file</th></tr></thead>
          <tbody>${fields.map(([field, source]) => html`<tr><td>${field}</td><td>${sourceText(source)}</td></tr>`)}</tbody>
        </table></div>
        ${r.unmappedColumns?.length ? html`<p class="muted">Not imported: ${r.unmappedColumns.join(', ')}</p>` : nothing}` : nothing}
      ${r.rejected.length > 0 ? html`<h3>Rejected (${plural(r.rejectedRows ?? r.rejected.length, 'row')})</h3>
        <div class="table-wrap"><table aria-label="Rejected rows">
          <thead><tr><th scope="col">Row</th><th scope="col">Field</th><th scope="col">Value</th><th scope="col">Reason</th></tr></thead>
          <tbody>${r.rejected.slice(0, LISTED).map((x) => html`<tr data-row=${x.row}>
            <td>${x.row}</td><td>${x.field || '(row)'}${x.column ? html`<br /><span class="muted">${x.column}</span>` : nothing}</td>
            <td>${typeof x.value === 'string' ? x.value : JSON.stringify(x.value ?? '')}</td><td>${x.reason}</td></tr>`)}</tbody>
        </table></div>` : nothing}
      ${r.duplicates.length > 0 ? html`<h3>Possible duplicates</h3>
        <div class="table-wrap"><table aria-label="Duplicates">
          <thead><tr><th scope="col">Row</th><th scope="col">Matched on</th><th scope="col">Action</th></tr></thead>
          <tbody>${r.duplicates.slice(0, LISTED).map((d) => html`<tr>
            <td>${d.row}</td><td>${d.rule ?? ''} ${d.value ? html`<span class="muted">${d.value}</span>` : nothing}</td><td>${d.action ?? ''}</td></tr>`)}</tbody>
        </table></div>` : nothing}
      ${r.rejected.length > LISTED || r.duplicates.length > LISTED || r.truncated ? html`<p class="muted">Lists show the first ${LISTED} entries.</p>` : nothing}
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-import-report': CrmImportReport
  }
}
