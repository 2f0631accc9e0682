// Search box, status filter and sort order above the customer list, plus "new customer".
import { LitElement, html, css } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { SORT_ORDERS, STATUS_FILTERS, type CustomerQuery, type SortOrder, type StatusFilter } from '../lib/customer-query'
import { sharedStyles } from '../styles/shared-styles'

const STATUS_LABEL: Record<StatusFilter, string> = {
  all: 'All', lead: 'Leads', prospect: 'Prospects', customer: 'Customers', inactive: 'Inactive', archived: 'Archived',
}
const SORT_LABEL: Record<SortOrder, string> = { name: 'Name A–Z', 'last-change': 'Last change' }

/**
 * @fires query-change - Partial<CustomerQuery> what the user changed
 * @fires focus-first-row - ArrowDown in the search box: move into the list
 */
@customElement('crm-list-toolbar')
export class CrmListToolbar extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: grid; gap: 8px; padding: 8px; background: var(--surface); border-bottom: 1px solid var(--border); }
    .row { display: grid; grid-template-columns: 1fr 1fr auto; gap: 8px; }
    input[type='search'] { font-size: 16px; }
    select { padding-right: 4px; }
    a.button { white-space: nowrap; }
  `]

  @property({ attribute: false }) query!: CustomerQuery
  @property() newHref = ''
  @property({ type: Boolean }) readOnly = false

  override render() {
    return html`
      <label class="visually-hidden" for="search">Search customers</label>
      <input id="search" type="search" placeholder="Search name, email, phone, city" autocomplete="off"
        enterkeyhint="search" .value=${this.query.text}
        @input=${(e: Event) => this.emit({ text: (e.target as HTMLInputElement).value })}
        @keydown=${this.onSearchKey} />
      <div class="row">
        <label class="visually-hidden" for="status">Status</label>
        <select id="status" .value=${this.query.status} @change=${(e: Event) => this.emit({ status: (e.target as HTMLSelectElement).value as StatusFilter })}>
          ${STATUS_FILTERS.map((s) => html`<option value=${s} ?selected=${s === this.query.status}>${STATUS_LABEL[s]}</option>`)}
        </select>
        <label class="visually-hidden" for="sort">Sort by</label>
        <select id="sort" .value=${this.query.sort} @change=${(e: Event) => this.emit({ sort: (e.target as HTMLSelectElement).value as SortOrder })}>
          ${SORT_ORDERS.map((s) => html`<option value=${s} ?selected=${s === this.query.sort}>${SORT_LABEL[s]}</option>`)}
        </select>
        ${this.readOnly ? html`` : html`<a class="button primary" href=${this.newHref} aria-label="New customer">+ New</a>`}
      </div>
    `
  }

  private onSearchKey(e: KeyboardEvent): void {
    if (e.key !== 'ArrowDown') return
    e.preventDefault()
    this.dispatchEvent(new CustomEvent('focus-first-row', { bubbles: true, composed: true }))
  }

  private emit(detail: Partial<CustomerQuery>): void {
    this.dispatchEvent(new CustomEvent<Partial<CustomerQuery>>('query-change', { detail, bubbles: true, composed: true }))
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-list-toolbar': CrmListToolbar
  }
}
