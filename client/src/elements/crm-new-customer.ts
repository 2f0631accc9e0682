// The "new customer" form: the fields a rep knows on the spot, validated as they type. The
// customer is created on the device (also offline) and opened for everything else.
import { CUSTOMER_STATUSES } from '@crm-sync/model'
import { LitElement, html, css, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { CreateCustomerController } from '../controllers/create-customer-controller'
import { routerContext, type Navigator } from '../context/router-context'
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
  @state() private values: Record<string, string | null> = {}
  @state() private invalid = new Set<string>()
  @state() private errors: string[] = []
  @state() private status = 'lead'
  private readonly creator = new CreateCustomerController(this)

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
          .value=${this.values[f.name] ?? ''} ?required=${'required' in f}
          .type=${'type' in f ? f.type : 'text'} .inputmode=${'inputmode' in f ? f.inputmode : ''}></crm-field>`)}
        <div>
          <label for="status">Status</label>
          <select id="status" .value=${this.status} @change=${(e: Event) => (this.status = (e.target as HTMLSelectElement).value)}>
            ${CUSTOMER_STATUSES.map((s) => html`<option value=${s} ?selected=${s === this.status}>${s}</option>`)}
          </select>
        </div>
        ${this.errors.length > 0 ? html`<div class="error" role="alert">${this.errors.map((e) => html`<p>${e}</p>`)}</div>` : nothing}
        <div class="actions">
          <button type="submit" class="primary" ?disabled=${!book.editable}>Create customer</button>
          <a class="button" href=${routePath({ view: 'book', bookId: book.bookId })}>Cancel</a>
        </div>
      </form>
    `
  }

  private onCommit(e: CustomEvent<FieldCommitDetail>): void {
    this.values = { ...this.values, [e.detail.field]: e.detail.value }
    this.invalid.delete(e.detail.field)
    this.requestUpdate()
  }

  private onDraft(e: CustomEvent<FieldDraftDetail>): void {
    if (e.detail.text === null) this.invalid.delete(e.detail.field)
    else this.invalid.add(e.detail.field)
    this.requestUpdate()
  }

  private onSubmit(e: Event): void {
    e.preventDefault()
    if (this.invalid.size > 0) {
      this.errors = [`Fix the flagged fields first: ${[...this.invalid].map((f) => FIELDS.find((x) => x.name === f)?.label ?? f).join(', ')}.`]
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
    this.router.navigate({ view: 'customer', bookId: this.creator.book!.bookId, customerId: result.customerId })
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-new-customer': CrmNewCustomer
  }
}
