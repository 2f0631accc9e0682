// The people at a customer: each contact's fields editable in place (validated like the
// customer's own), a form to add one, and remove.
import { CONTACT_FIELDS, type Contact, type NewContact } from '@crm-sync/model'
import { LitElement, html, css, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { keyed } from 'lit/directives/keyed.js'
import type { Peer } from '../book/presence'
import * as rules from '../lib/field-rules'
import { sharedStyles } from '../styles/shared-styles'
import type { FieldCommitDetail, FieldDraftDetail } from './crm-field'
import { emit, type ContactAddDetail, type ContactRemoveDetail, type ContactUpdateDetail } from './detail-events'
import './crm-field'

type ContactField = (typeof CONTACT_FIELDS)[number]
const LABELS: Record<ContactField, string> = { firstName: 'First name', lastName: 'Last name', email: 'Email', phone: 'Phone', title: 'Job title' }

/**
 * @fires contact-add - {contact}
 * @fires contact-update - {contactId, update}
 * @fires contact-remove - {contactId}
 */
@customElement('crm-contact-list')
export class CrmContactList extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; margin-bottom: 12px; }
    h3 { font-size: 1rem; margin: 0 0 12px; }
    ul { list-style: none; margin: 0 0 12px; padding: 0; display: grid; gap: 12px; }
    .grid { display: grid; grid-template-columns: 1fr; gap: 12px; }
    @media (min-width: 600px) { .grid { grid-template-columns: 1fr 1fr; } }
    .head { display: flex; justify-content: space-between; align-items: center; gap: 8px; margin-bottom: 8px; }
    .head strong { overflow-wrap: anywhere; }
    .error { color: var(--danger); }
    .add { border-top: 1px solid var(--border); padding-top: 12px; }
  `]

  @property({ attribute: false }) contacts: Contact[] = []
  /** The customer's country: how phone numbers without +prefix are read. */
  @property() region: string | undefined
  @property({ type: Boolean }) readonly = false
  @property({ attribute: false }) peers: Peer[] = []
  @property({ attribute: false }) draftOf: (field: string) => string | null = () => null

  @state() private fresh: Partial<Record<ContactField, string | null>> = {}
  @state() private freshInvalid = new Set<string>()
  @state() private addError = ''
  @state() private formKey = 0

  override render() {
    return html`<section class="card" aria-labelledby="contacts-h">
      <h3 id="contacts-h">Contacts (${this.contacts.length})</h3>
      <ul>
        ${this.contacts.map((c) => html`<li class="card" data-contact=${c.id} @field-commit=${(e: CustomEvent<FieldCommitDetail>) => this.onUpdate(e, c.id)}>
          <div class="head">
            <strong>${[c.firstName, c.lastName].filter(Boolean).join(' ') || c.email || c.phone || 'Contact'}</strong>
            ${this.readonly ? nothing : html`<button type="button" class="ghost danger" aria-label="Remove contact"
              @click=${() => emit<ContactRemoveDetail>(this, 'contact-remove', { contactId: c.id })}>Remove</button>`}
          </div>
          <div class="grid">${CONTACT_FIELDS.map((f) => this.renderField(`contacts.${c.id}.${f}`, f, c[f]))}</div>
        </li>`)}
      </ul>
      ${this.readonly ? nothing : keyed(this.formKey, html`<div class="add" @field-commit=${this.onFresh} @field-draft=${this.onFreshDraft}>
        <h3>Add a contact</h3>
        <div class="grid">${CONTACT_FIELDS.map((f) => this.renderField(`new-contact.${f}`, f, undefined))}</div>
        ${this.addError ? html`<p class="error" role="alert">${this.addError}</p>` : nothing}
        <p><button type="button" class="primary" @click=${this.onAdd}>Add contact</button></p>
      </div>`)}
    </section>`
  }

  private renderField(name: string, f: ContactField, value: string | undefined) {
    const rule = f === 'email' ? rules.email : f === 'phone' ? rules.phone(this.region) : rules.freeText
    return html`<crm-field .field=${name} .label=${LABELS[f]} .value=${value ?? ''} .rule=${rule} ?readonly=${this.readonly}
      .draft=${this.draftOf(name)} .editors=${this.peers.filter((p) => p.field === name)}
      .type=${f === 'email' ? 'email' : f === 'phone' ? 'tel' : 'text'} .inputmode=${f === 'email' ? 'email' : f === 'phone' ? 'tel' : ''}></crm-field>`
  }

  private onUpdate(e: CustomEvent<FieldCommitDetail>, contactId: string): void {
    e.stopPropagation()
    const f = e.detail.field.split('.').pop() as ContactField
    emit<ContactUpdateDetail>(this, 'contact-update', { contactId, update: { [f]: e.detail.value } })
  }

  private onFresh(e: CustomEvent<FieldCommitDetail>): void {
    e.stopPropagation()
    const f = e.detail.field.split('.').pop() as ContactField
    this.fresh = { ...this.fresh, [f]: e.detail.value }
    this.freshInvalid.delete(f)
    this.addError = ''
  }

  private onFreshDraft(e: CustomEvent<FieldDraftDetail>): void {
    e.stopPropagation()
    const f = e.detail.field.split('.').pop()!
    if (e.detail.text === null) this.freshInvalid.delete(f)
    else this.freshInvalid.add(f)
    this.requestUpdate()
  }

  private onAdd(): void {
    if (this.freshInvalid.size > 0) {
      this.addError = `Fix ${[...this.freshInvalid].map((f) => LABELS[f as ContactField].toLowerCase()).join(', ')} first.`
      return
    }
    const contact: NewContact = {}
    for (const f of CONTACT_FIELDS) if (this.fresh[f]) contact[f] = this.fresh[f]!
    if (!contact.firstName && !contact.lastName && !contact.email && !contact.phone) {
      this.addError = 'A contact needs a name, an email or a phone.'
      return
    }
    emit<ContactAddDetail>(this, 'contact-add', { contact })
    this.fresh = {}
    this.addError = ''
    this.formKey++
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-contact-list': CrmContactList
  }
}
