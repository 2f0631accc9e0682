// The people at a customer: each contact's fields editable in place (validated like the
// customer's own), a form to add one, and remove.
import { CONTACT_FIELDS, type Contact, type NewContact } from '@crm-sync/model'
import { LitElement, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { keyed } from 'lit/directives/keyed.js'
import type { Peer } from '../book/presence'
import * as rules from '../lib/field-rules'
import { recordListStyles } from '../styles/record-list-styles'
import { sharedStyles } from '../styles/shared-styles'
import { RecordDraftController, type FormPlace } from '../controllers/record-draft-controller'
import type { FieldCommitDetail } from './crm-field'
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
  static override styles = [sharedStyles, recordListStyles]

  @property({ attribute: false }) contacts: Contact[] = []
  /** The customer's country: how phone numbers without +prefix are read. */
  @property() region: string | undefined
  @property({ type: Boolean }) readonly = false
  @property({ attribute: false }) peers: Peer[] = []
  @property({ attribute: false }) draftOf: (field: string) => string | null = () => null
  /** Where the add form's unsaved state is kept (survives a reload); null: memory only. */
  @property({ attribute: false }) formPlace: FormPlace | null = null

  private readonly draft = new RecordDraftController<ContactField>(this, LABELS)

  override willUpdate(): void {
    this.draft.keepIn(this.formPlace)
  }

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
          <div class="grid">${CONTACT_FIELDS.map((f) => this.renderField(`contacts.${c.id}.${f}`, f, c[f], this.draftOf(`contacts.${c.id}.${f}`)))}</div>
        </li>`)}
      </ul>
      ${this.readonly ? nothing : keyed(this.draft.formKey, html`<div class="add" @field-commit=${this.draft.onCommit} @field-draft=${this.draft.onDraft}>
        <h3>Add a contact</h3>
        <div class="grid">${CONTACT_FIELDS.map((f) => this.renderField(`new-contact.${f}`, f, this.draft.valueOf(f), this.draft.draftOf(f)))}</div>
        ${this.draft.error ? html`<p class="error" role="alert">${this.draft.error}</p>` : nothing}
        <p><button type="button" class="primary" @click=${this.onAdd}>Add contact</button></p>
      </div>`)}
    </section>`
  }

  private renderField(name: string, f: ContactField, value: string | undefined, draft: string | null) {
    const rule = f === 'email' ? rules.email : f === 'phone' ? rules.phone(this.region) : rules.freeText
    return html`<crm-field .field=${name} .label=${LABELS[f]} .value=${value ?? ''} .rule=${rule} ?readonly=${this.readonly}
      .draft=${draft} .editors=${this.peers.filter((p) => p.field === name)}
      .type=${f === 'email' ? 'email' : f === 'phone' ? 'tel' : 'text'} .inputmode=${f === 'email' ? 'email' : f === 'phone' ? 'tel' : ''}></crm-field>`
  }

  private onUpdate(e: CustomEvent<FieldCommitDetail>, contactId: string): void {
    e.stopPropagation()
    const f = e.detail.field.split('.').pop() as ContactField
    emit<ContactUpdateDetail>(this, 'contact-update', { contactId, update: { [f]: e.detail.value } })
  }

  private onAdd(): void {
    const values = this.draft.take((v) => (v.firstName || v.lastName || v.email || v.phone ? null : 'A contact needs a name, an email or a phone.'))
    if (!values) return
    const contact: NewContact = { ...values }
    emit<ContactAddDetail>(this, 'contact-add', { contact })
    this.draft.reset()
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-contact-list': CrmContactList
  }
}
