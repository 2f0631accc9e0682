// The visit/call log: log what happened (kind, when, what) in two taps, newest entries first.
import { ACTIVITY_KINDS, type Activity, type ActivityKind } from '@crm-sync/model'
import { LitElement, html, css, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { formatDateTime, toLocalInput } from '../lib/format'
import { sharedStyles } from '../styles/shared-styles'
import { emit, type ActivityLogDetail } from './detail-events'

const KIND_LABEL: Record<ActivityKind, string> = { visit: 'Visit', call: 'Call', email: 'Email', note: 'Note' }

/**
 * @fires activity-log - {kind, text, at} a new entry
 */
@customElement('crm-activity-log')
export class CrmActivityLog extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; margin-bottom: 12px; }
    h3 { font-size: 1rem; margin: 0 0 12px; }
    form { display: grid; gap: 8px; margin-bottom: 16px; }
    .row { display: grid; grid-template-columns: minmax(0, 1fr); gap: 8px; }
    .row > div { min-width: 0; }
    @media (min-width: 600px) { .row { grid-template-columns: minmax(0, 1fr) minmax(0, 1.4fr); } }
    .kinds { display: flex; gap: 6px; flex-wrap: wrap; border: 0; padding: 0; margin: 0; }
    .kinds label { display: inline-flex; align-items: center; gap: 6px; min-height: var(--tap); padding: 0 12px;
      border: 1px solid var(--border); border-radius: 999px; font-weight: 500; cursor: pointer; }
    .kinds input { width: auto; min-height: 0; margin: 0; }
    .kinds label:has(input:checked) { border-color: var(--brand); background: var(--brand-soft); }
    ol { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
    li { border-left: 3px solid var(--brand); padding: 4px 0 4px 10px; }
    .when { font-size: 0.8rem; color: var(--muted); }
    .kind { font-weight: 700; margin-right: 6px; }
    .text { white-space: pre-wrap; overflow-wrap: anywhere; }
    .error { color: var(--danger); }
  `]

  @property({ attribute: false }) activities: Activity[] = []
  @property({ type: Boolean }) readonly = false
  @state() private kind: ActivityKind = 'visit'
  @state() private when = toLocalInput(new Date())
  @state() private text = ''
  @state() private error = ''

  override render() {
    const sorted = [...this.activities].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
    return html`<section class="card" aria-labelledby="activity-h">
      <h3 id="activity-h">Activity</h3>
      ${this.readonly ? nothing : html`<form @submit=${this.onSubmit} aria-label="Log an activity">
        <fieldset class="kinds"><legend class="visually-hidden">Kind</legend>
          ${ACTIVITY_KINDS.map((k) => html`<label><input type="radio" name="kind" value=${k} .checked=${this.kind === k}
            @change=${() => (this.kind = k)} />${KIND_LABEL[k]}</label>`)}
        </fieldset>
        <div class="row">
          <div><label for="when">When</label>
            <input id="when" type="datetime-local" .value=${this.when} @input=${(e: Event) => (this.when = (e.target as HTMLInputElement).value)} /></div>
          <div><label for="what">What happened</label>
            <input id="what" .value=${this.text} @input=${(e: Event) => (this.text = (e.target as HTMLInputElement).value)} /></div>
        </div>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <button type="submit" class="primary">Log ${KIND_LABEL[this.kind].toLowerCase()}</button>
      </form>`}
      ${sorted.length === 0 ? html`<p class="muted">Nothing logged yet.</p>` : html`<ol>
        ${sorted.map((a) => html`<li data-activity=${a.id}>
          <div class="when">${formatDateTime(a.at)}${a.by ? ` · ${a.by}` : ''}</div>
          <div><span class="kind">${KIND_LABEL[a.kind]}</span><span class="text">${a.text}</span></div>
        </li>`)}
      </ol>`}
    </section>`
  }

  private onSubmit(e: Event): void {
    e.preventDefault()
    const at = new Date(this.when)
    if (Number.isNaN(at.getTime())) {
      this.error = 'Choose when it happened.'
      return
    }
    emit<ActivityLogDetail>(this, 'activity-log', { kind: this.kind, text: this.text.trim(), at })
    this.text = ''
    this.error = ''
    this.when = toLocalInput(new Date())
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-activity-log': CrmActivityLog
  }
}
