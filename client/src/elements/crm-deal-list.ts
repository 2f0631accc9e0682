// Deals with a customer: name, amount, currency, stage and close date, editable in place, with a
// form to add one, and remove.
import { DEAL_FIELDS, type Deal, type DealUpdate, type NewDeal } from '@crm-sync/model'
import { LitElement, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { keyed } from 'lit/directives/keyed.js'
import type { Peer } from '../book/presence'
import * as rules from '../lib/field-rules'
import { recordListStyles } from '../styles/record-list-styles'
import { sharedStyles } from '../styles/shared-styles'
import { RecordDraftController, type FormPlace } from '../controllers/record-draft-controller'
import type { FieldCommitDetail } from './crm-field'
import { emit, type DealAddDetail, type DealRemoveDetail, type DealUpdateDetail } from './detail-events'
import './crm-field'

type DealField = (typeof DEAL_FIELDS)[number]
const LABELS: Record<DealField, string> = { name: 'Deal name', amount: 'Amount', currency: 'Currency', stage: 'Stage', closeDate: 'Close date' }
const RULES: Record<DealField, rules.FieldRule> = {
  name: rules.requiredText('a deal name'), amount: rules.amount, currency: rules.currency, stage: rules.freeText, closeDate: rules.isoDate,
}
const money = (d: Deal) => (d.amount === undefined ? '' : `${d.amount.toLocaleString()} ${d.currency ?? ''}`.trim())

/** A committed field value in the deal's own types (amount is a number). */
const toUpdate = (f: DealField, value: string | null): DealUpdate =>
  f === 'amount' ? { amount: value === null ? null : Number(value) } : { [f]: value }

/**
 * @fires deal-add - {deal}
 * @fires deal-update - {dealId, update}
 * @fires deal-remove - {dealId}
 */
@customElement('crm-deal-list')
export class CrmDealList extends LitElement {
  static override styles = [sharedStyles, recordListStyles]

  @property({ attribute: false }) deals: Deal[] = []
  @property({ type: Boolean }) readonly = false
  @property({ attribute: false }) peers: Peer[] = []
  @property({ attribute: false }) draftOf: (field: string) => string | null = () => null
  /** Where the add form's unsaved state is kept (survives a reload); null: memory only. */
  @property({ attribute: false }) formPlace: FormPlace | null = null

  private readonly draft = new RecordDraftController<DealField>(this, LABELS)

  override willUpdate(): void {
    this.draft.keepIn(this.formPlace)
  }

  override render() {
    return html`<section class="card" aria-labelledby="deals-h">
      <h3 id="deals-h">Deals (${this.deals.length})</h3>
      <ul>
        ${this.deals.map((d) => html`<li class="card" data-deal=${d.id} @field-commit=${(e: CustomEvent<FieldCommitDetail>) => this.onUpdate(e, d.id)}>
          <div class="head">
            <strong>${d.name}${money(d) ? html` <span class="muted">· ${money(d)}</span>` : nothing}</strong>
            ${this.readonly ? nothing : html`<button type="button" class="ghost danger" aria-label="Remove deal"
              @click=${() => emit<DealRemoveDetail>(this, 'deal-remove', { dealId: d.id })}>Remove</button>`}
          </div>
          <div class="grid">${DEAL_FIELDS.map((f) => this.renderField(`deals.${d.id}.${f}`, f, d[f], this.draftOf(`deals.${d.id}.${f}`)))}</div>
        </li>`)}
      </ul>
      ${this.readonly ? nothing : keyed(this.draft.formKey, html`<div class="add" @field-commit=${this.draft.onCommit} @field-draft=${this.draft.onDraft}>
        <h3>Add a deal</h3>
        <div class="grid">${DEAL_FIELDS.map((f) => this.renderField(`new-deal.${f}`, f, this.draft.valueOf(f), this.draft.draftOf(f)))}</div>
        ${this.draft.error ? html`<p class="error" role="alert">${this.draft.error}</p>` : nothing}
        <p><button type="button" class="primary" @click=${this.onAdd}>Add deal</button></p>
      </div>`)}
    </section>`
  }

  private renderField(name: string, f: DealField, value: string | number | undefined, draft: string | null) {
    return html`<crm-field .field=${name} .label=${LABELS[f]} .value=${value === undefined ? '' : String(value)} .rule=${RULES[f]}
      ?readonly=${this.readonly} .draft=${draft} .editors=${this.peers.filter((p) => p.field === name)}
      .type=${f === 'closeDate' ? 'date' : 'text'} .inputmode=${f === 'amount' ? 'decimal' : ''} ?required=${f === 'name'}></crm-field>`
  }

  private onUpdate(e: CustomEvent<FieldCommitDetail>, dealId: string): void {
    e.stopPropagation()
    const f = e.detail.field.split('.').pop() as DealField
    if (f === 'name' && e.detail.value === null) return
    emit<DealUpdateDetail>(this, 'deal-update', { dealId, update: toUpdate(f, e.detail.value) })
  }

  private onAdd(): void {
    const values = this.draft.take((v) => (v.name ? null : 'A deal needs a name.'))
    if (!values?.name) return
    const deal: NewDeal = { name: values.name }
    for (const f of DEAL_FIELDS) {
      const v = values[f]
      if (f !== 'name' && v) Object.assign(deal, toUpdate(f, v))
    }
    emit<DealAddDetail>(this, 'deal-add', { deal })
    this.draft.reset()
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-deal-list': CrmDealList
  }
}
