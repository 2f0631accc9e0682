// A customer, every field of the book contract editable: company fields, address, tags, notes
// (collaborative), contacts, deals, the activity log, archive. Shows who else is on this
// customer and which field they are in, and tells them where this user is.
import { CUSTOMER_STATUSES, type AddressField, type CustomerStatus } from '@crm-sync/model'
import { LitElement, html, css, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { CustomerController } from '../controllers/customer-controller'
import { PresenceController } from '../controllers/presence-controller'
import * as rules from '../lib/field-rules'
import { formatDateTime } from '../lib/format'
import { sharedStyles } from '../styles/shared-styles'
import type { FieldCommitDetail, FieldDraftDetail, FieldFocusDetail } from './crm-field'
import type { ActivityLogDetail, ContactAddDetail, ContactRemoveDetail, ContactUpdateDetail, DealAddDetail, DealRemoveDetail, DealUpdateDetail } from './detail-events'
import './crm-activity-log'
import './crm-contact-list'
import './crm-deal-list'
import './crm-field'
import './crm-notes-editor'

const SCALARS = ['name', 'email', 'phone', 'website', 'industry', 'ownerId'] as const
type Scalar = (typeof SCALARS)[number]

@customElement('crm-customer-detail')
export class CrmCustomerDetail extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; padding: 12px; max-width: 820px; margin: 0 auto; }
    header { display: flex; align-items: flex-start; justify-content: space-between; gap: 8px; margin-bottom: 12px; flex-wrap: wrap; }
    header h2 { font-size: 1.35rem; overflow-wrap: anywhere; }
    a.back { display: inline-flex; align-items: center; min-height: var(--tap); color: var(--brand-dark); }
    .here { font-size: 0.85rem; margin-top: 4px; }
    .archived { background: var(--warn-soft); color: var(--warn); padding: 8px 12px; border-radius: var(--radius); margin-bottom: 12px; }
    section { margin-bottom: 12px; }
    .grid { display: grid; grid-template-columns: 1fr; gap: 12px; }
    @media (min-width: 600px) { .grid { grid-template-columns: 1fr 1fr; } }
    h3 { font-size: 1rem; margin-bottom: 12px; }
    .status-field label { display: block; margin-bottom: 4px; }
    .meta { font-size: 0.8rem; overflow-wrap: anywhere; }
    .error { color: var(--danger); }
    .waiting { background: var(--brand-soft); padding: 8px 12px; border-radius: var(--radius); margin-bottom: 12px; }
    @media (min-width: 960px) { a.back { display: none; } }
  `]

  @property() customerId = ''

  private readonly c = new CustomerController(this)
  private readonly presence = new PresenceController(this)

  override willUpdate(changed: Map<string, unknown>): void {
    this.c.show(this.customerId || null)
    if (changed.has('customerId')) this.presence.setFocus({ customerId: this.customerId || null, field: null })
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.presence.setFocus({ customerId: null, field: null })
  }

  override render() {
    const customer = this.c.customer
    const book = this.c.book
    if (!book) return nothing
    const back = html`<a class="back" href=${`/books/${encodeURIComponent(book.bookId)}`}>‹ All customers</a>`
    if (!customer) {
      return html`${back}<p class="muted">${book.handle.status.state === 'synced' ? 'This customer does not exist in this book.' : 'Loading this customer…'}</p>`
    }
    const ro = this.c.readOnly
    const here = this.presence.peersOn(customer.id)
    const editors = (field: string) => here.filter((p) => p.field === field)
    const field = (name: string, label: string, value: string | undefined, rule: rules.FieldRule, extra: Partial<{ type: string; inputmode: string; autocomplete: string; required: boolean }> = {}) =>
      html`<crm-field .field=${name} .label=${label} .value=${value ?? ''} .rule=${rule} ?readonly=${ro}
        .draft=${this.c.draft(name)} .editors=${editors(name)} .type=${extra.type ?? 'text'} .inputmode=${extra.inputmode ?? ''}
        .autocomplete=${extra.autocomplete ?? 'off'} ?required=${extra.required ?? false}></crm-field>`
    const a = customer.address ?? {}
    return html`
      ${back}
      <header>
        <div>
          <h2>${customer.name}</h2>
          ${here.length > 0 ? html`<p class="here" style="color:${here[0]!.color}">${here.map((p) => p.name).join(', ')} ${here.length === 1 ? 'is' : 'are'} here too</p>` : nothing}
        </div>
        ${ro ? nothing : html`<button type="button" class=${customer.archived ? '' : 'danger'} @click=${() => this.c.archive(!customer.archived)}>
          ${customer.archived ? 'Restore' : 'Archive'}</button>`}
      </header>
      ${this.c.waiting ? html`<p class="waiting" role="status">Opening the book on this device: shown as ${book.projectionSource === 'server' ? 'on the server' : 'last saved here'}, editable in a moment.</p>` : nothing}
      ${customer.archived ? html`<p class="archived" role="note">Archived: hidden from the list unless you filter for archived customers.</p>` : nothing}
      ${this.c.error ? html`<p class="error" role="alert">${this.c.error}</p>` : nothing}
      <div @field-commit=${this.onCommit} @field-draft=${this.onDraft} @field-focus=${this.onFocus}>
        <section class="card grid" aria-label="Company">
          ${field('name', 'Company name', customer.name, rules.requiredText('a name'), { required: true, autocomplete: 'organization' })}
          <div class="status-field">
            <label for="status">Status</label>
            <select id="status" ?disabled=${ro} @change=${this.onStatus}
              @focus=${() => this.presence.setFocus({ customerId: customer.id, field: 'status' })}
              @blur=${() => this.presence.setFocus({ customerId: customer.id, field: null })}>
              <option value="" ?selected=${!customer.status}>—</option>
              ${CUSTOMER_STATUSES.map((s) => html`<option value=${s} ?selected=${customer.status === s}>${s}</option>`)}
            </select>
          </div>
          ${field('email', 'Email', customer.email, rules.email, { type: 'email', inputmode: 'email', autocomplete: 'email' })}
          ${field('phone', 'Phone', customer.phone, rules.phone(a.country), { type: 'tel', inputmode: 'tel', autocomplete: 'tel' })}
          ${field('website', 'Website', customer.website, rules.website, { inputmode: 'url', autocomplete: 'url' })}
          ${field('industry', 'Industry', customer.industry, rules.freeText)}
          ${field('ownerId', 'Owner (user id)', customer.ownerId, rules.freeText)}
          ${field('tags', 'Tags (comma separated)', customer.tags.join(', '), rules.freeText)}
        </section>
        <section class="card" aria-labelledby="address-h">
          <h3 id="address-h">Address</h3>
          <div class="grid">
            ${field('address.street', 'Street', a.street, rules.freeText, { autocomplete: 'street-address' })}
            ${field('address.city', 'City', a.city, rules.freeText, { autocomplete: 'address-level2' })}
            ${field('address.postalCode', 'Postal code', a.postalCode, rules.freeText, { autocomplete: 'postal-code' })}
            ${field('address.region', 'Region', a.region, rules.freeText, { autocomplete: 'address-level1' })}
            ${field('address.country', 'Country', a.country, rules.country, { autocomplete: 'country' })}
          </div>
        </section>
        <section class="card" aria-label="Notes">
          <crm-notes-editor .customerId=${customer.id} ?readonly=${ro} .editors=${editors('notes')}
            .savedText=${this.c.waiting ? customer.notes : null}></crm-notes-editor>
        </section>
        <crm-contact-list .contacts=${customer.contacts} .region=${a.country} ?readonly=${ro} .peers=${here} .draftOf=${this.draftOf}
          .formPlace=${this.c.formPlace('new-contact')}
          @contact-add=${(e: CustomEvent<ContactAddDetail>) => this.c.addContact(e.detail.contact)}
          @contact-update=${(e: CustomEvent<ContactUpdateDetail>) => this.c.updateContact(e.detail.contactId, e.detail.update)}
          @contact-remove=${(e: CustomEvent<ContactRemoveDetail>) => this.c.removeContact(e.detail.contactId)}></crm-contact-list>
        <crm-deal-list .deals=${customer.deals} ?readonly=${ro} .peers=${here} .draftOf=${this.draftOf}
          .formPlace=${this.c.formPlace('new-deal')}
          @deal-add=${(e: CustomEvent<DealAddDetail>) => this.c.addDeal(e.detail.deal)}
          @deal-update=${(e: CustomEvent<DealUpdateDetail>) => this.c.updateDeal(e.detail.dealId, e.detail.update)}
          @deal-remove=${(e: CustomEvent<DealRemoveDetail>) => this.c.removeDeal(e.detail.dealId)}></crm-deal-list>
        <crm-activity-log .activities=${customer.activities} ?readonly=${ro}
          @activity-log=${(e: CustomEvent<ActivityLogDetail>) => this.c.logActivity(e.detail.kind, e.detail.text, e.detail.at)}></crm-activity-log>
      </div>
      <p class="meta muted">
        ${customer.createdAt ? `Created ${formatDateTime(customer.createdAt)}` : 'Created'}${customer.createdBy ? ` by ${customer.createdBy}` : ''} · id ${customer.id}
      </p>
    `
  }

  private readonly draftOf = (field: string): string | null => this.c.draft(field)

  private onStatus(e: Event): void {
    const v = (e.target as HTMLSelectElement).value
    this.c.setField('status', v === '' ? null : (v as CustomerStatus))
  }

  private onCommit(e: CustomEvent<FieldCommitDetail>): void {
    const { field, value } = e.detail
    if (field.startsWith('address.')) this.c.setAddress(field.slice('address.'.length) as AddressField, value)
    else if (field === 'tags') this.c.setTags((value ?? '').split(',').map((t) => t.trim()).filter(Boolean))
    else if (field === 'name' && value !== null) this.c.setField('name', value)
    else if ((SCALARS as readonly string[]).includes(field)) this.c.setField(field as Scalar, value)
  }

  private onDraft(e: CustomEvent<FieldDraftDetail>): void {
    this.c.setDraft(e.detail.field, e.detail.text)
    this.requestUpdate()
  }

  private onFocus(e: CustomEvent<FieldFocusDetail>): void {
    this.presence.setFocus({ customerId: this.customerId, field: e.detail.field })
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-customer-detail': CrmCustomerDetail
  }
}
