// The "new customer" form: the fields a rep knows on the spot, validated as they type. The
// customer is created on the device (also offline) and opened for everything else. What was typed
// is kept with the book's drafts until the customer is created or the form cancelled, so a reload
// (or leaving the screen) does not lose a half-filled form.
import { CUSTOMER_STATUSES } from '@crm-sync/model'
import { LitElement, html, css, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { CreateCustomerController } from '../controllers/create-customer-controller'
import { routerContext, type Navigator } from '../context/router-context'
import { withoutKey, type DraftStore, type DraftTexts } from '../lib/draft-store'
import * as rules from '../lib/field-rules'
import { routePath } from '../lib/routes'
import { sharedStyles } from '../styles/shared-styles'
import type { FieldCommitDetail, FieldDraftDetail } from './crm-field'
import './crm-field'

const FIELDS = [
  { name: 'name', label: 'Company name', required: true },
  { name: 'email', label: 'Email', type: 'email', inputmode: 'email' },
  { name: 'phone', label: 'Phone', type: 'tel', inputmode: 'tel' },
  { name: 'address.city', label: 'City' },
  { name: 'address.country', label: 'Country' },
  { name: 'website', label: 'Website', inputmode: 'url' },
  { name: 'industry', label: 'Industry' },
] as const

@customElement('crm-new-customer')
export class CrmNewCustomer extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; padding: 12px; max-width: 640px; margin: 0 auto; }
    h2 { font-size: 1.3rem; margin-bottom: 12px; }
    form { display: grid; gap: 12px; }
    .actions { display: flex; gap: 8px; flex-wrap: wrap; }
    .error { color: var(--danger); }
    label[for='status'] { display: block; margin-bottom: 4px; }
  `]

  @consume({ context: routerContext }) private router!: Navigator
  @state() private values: DraftTexts = {}
  /** Text of the fields that does not pass their rule yet. */
  @state() private drafts: DraftTexts = {}
  @state() private errors: string[] = []
  @state() private status = 'lead'
  private readonly creator = new CreateCustomerController(this)
  /** The book's drafts the form was read from and is kept in. */
  private keptIn: DraftStore | null = null

  override willUpdate(): void {
    const store = this.creator.book?.forms ?? null
    if (store === this.keptIn) return
    this.keptIn = store
    const kept = store?.readForm(FORM)
    this.values = kept?.values ?? {}
    this.drafts = kept?.drafts ?? {}
    this.status = kept?.extra?.['status'] ?? 'lead'
    this.errors = []
  }

  override render() {
    const book = this.creator.book
    if (!book) return nothing
    const country = this.values['address.country'] ?? undefined
    const ruleFor = (name: string): rules.FieldRule =>
      name === 'name' ? rules.requiredText('a name') : name === 'email' ? rules.email : name === 'phone' ? rules.phone(country)
        : name === 'address.country' ? rules.country : name === 'website' ? rules.website : rules.freeText
    return html`
      <h2>New customer</h2>
      ${book.readOnly ? html`<p class="error">You can read this book but not add customers to it.</p>` : nothing}
      ${!book.readOnly && !book.loaded ? html`<p class="muted" role="status">Opening the book on this device: you can create the customer in a moment.</p>` : nothing}
      <form @submit=${this.onSubmit} @field-commit=${this.onCommit} @field-draft=${this.onDraft} novalidate>
        ${FIELDS.map((f) => html`<crm-field .field=${f.name} .label=${f.label} .rule=${ruleFor(f.name)}
          .value=${this.values[f.name] ?? ''} .draft=${this.drafts[f.name] ?? null} ?required=${'required' in f}
          .type=${'type' in f ? f.type : 'text'} .inputmode=${'inputmode' in f ? f.inputmode : ''}></crm-field>`)}
        <div>
          <label for="status">Status</label>
          <select id="status" .value=${this.status} @change=${this.onStatus}>
            ${CUSTOMER_STATUSES.map((s) => html`<option value=${s} ?selected=${s === this.status}>${s}</option>`)}
          </select>
        </div>
        ${this.errors.length > 0 ? html`<div class="error" role="alert">${this.errors.map((e) => html`<p>${e}</p>`)}</div>` : nothing}
        <div class="actions">
          <button type="submit" class="primary" ?disabled=${!book.editable}>Create customer</button>
          <a class="button" href=${routePath({ view: 'book', bookId: book.bookId })} @click=${this.forget}>Cancel</a>
        </div>
      </form>
    `
  }

  private onCommit(e: CustomEvent<FieldCommitDetail>): void {
    const { field, value } = e.detail
    this.values = value === null ? withoutKey(this.values, field) : { ...this.values, [field]: value }
    this.drafts = withoutKey(this.drafts, field)
    this.keep()
  }

  private onDraft(e: CustomEvent<FieldDraftDetail>): void {
    const { field, text } = e.detail
    this.drafts = text === null ? withoutKey(this.drafts, field) : { ...this.drafts, [field]: text }
    this.keep()
  }

  private onStatus(e: Event): void {
    this.status = (e.target as HTMLSelectElement).value
    this.keep()
  }

  private keep(): void {
    this.keptIn?.writeForm(FORM, { values: this.values, drafts: this.drafts, extra: this.status === 'lead' ? {} : { status: this.status } })
  }

  private readonly forget = (): void => {
    this.keptIn?.clear(FORM)
    this.values = {}
    this.drafts = {}
    this.status = 'lead'
  }

  private onSubmit(e: Event): void {
    e.preventDefault()
    const invalid = Object.keys(this.drafts)
    if (invalid.length > 0) {
      this.errors = [`Fix the flagged fields first: ${invalid.map((f) => FIELDS.find((x) => x.name === f)?.label ?? f).join(', ')}.`]
      return
    }
    const v = this.values
    const address = { city: v['address.city'], country: v['address.country'] }
    const result = this.creator.create({
      name: v['name'], email: v['email'], phone: v['phone'], website: v['website'], industry: v['industry'],
      status: this.status, address,
    })
    if (!result.ok) {
      this.errors = result.issues.map((i) => (i.field ? `${i.field}: ${i.reason}` : i.reason))
      return
    }
    this.forget()
    this.router.navigate({ view: 'customer', bookId: this.creator.book!.bookId, customerId: result.customerId })
  }
}

const FORM = 'new-customer'

declare global {
  interface HTMLElementTagNameMap {
    'crm-new-customer': CrmNewCustomer
  }
}
