// The customer list: virtualised (only the rows in view exist in the DOM, so 10,000 customers
// scroll smoothly on a phone), searchable and sortable on the device, with arrow-key navigation
// and who-is-where presence dots. Shown from the customers saved on the device while the book's
// document loads ("opening…"), then from the live document.
import '@lit-labs/virtualizer'
import type { LitVirtualizer } from '@lit-labs/virtualizer/LitVirtualizer.js'
import { flow } from '@lit-labs/virtualizer/layouts/flow.js'
import { LitElement, html, css, nothing } from 'lit'
import { customElement, property, query } from 'lit/decorators.js'
import { CustomerListController } from '../controllers/customer-list-controller'
import { PresenceController } from '../controllers/presence-controller'
import type { CustomerQuery, ListRow } from '../lib/customer-query'
import { initials, plural } from '../lib/format'
import { routePath } from '../lib/routes'
import { sharedStyles } from '../styles/shared-styles'
import './crm-list-toolbar'

@customElement('crm-customer-list')
export class CrmCustomerList extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: flex; flex-direction: column; flex: 1; min-height: 0; }
    .count { padding: 0 4px 0 12px; font-size: 0.85rem; color: var(--muted); display: flex; align-items: center; justify-content: space-between; gap: 8px; min-height: 32px; }
    .count a { color: var(--brand-dark); display: inline-flex; align-items: center; min-height: var(--tap); min-width: var(--tap); padding: 0 8px; }
    lit-virtualizer { flex: 1; min-height: 0; width: 100%; }
    .item { width: 100%; }
    a.row {
      display: grid; grid-template-columns: 1fr auto; align-items: center; gap: 2px 8px; width: 100%; height: 64px;
      padding: 8px 12px; color: inherit; text-decoration: none; background: var(--surface); border-bottom: 1px solid #e6e9ee;
    }
    a.row:hover { background: #f0fdfa; }
    a.row[aria-current='page'] { background: var(--brand-soft); }
    a.row:focus-visible { outline-offset: -3px; }
    .name { font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .sub { grid-column: 1; font-size: 0.85rem; color: var(--muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .side { grid-column: 2; grid-row: 1 / span 2; display: flex; align-items: center; gap: 6px; }
    .status { font-size: 0.75rem; padding: 2px 8px; border-radius: 999px; background: #eef1f4; color: var(--muted); }
    .status[data-status='customer'] { background: #dcfce7; color: #166534; }
    .status[data-status='prospect'] { background: #e0e7ff; color: #3730a3; }
    .status[data-status='lead'] { background: #fef3c7; color: #92400e; }
    .peer { width: 22px; height: 22px; border-radius: 50%; color: #fff; font-size: 0.65rem; font-weight: 700; display: inline-grid; place-items: center; }
    .empty { padding: 24px 16px; color: var(--muted); text-align: center; }
    .opening { font-style: italic; }
  `]

  /**
   * The default layout, imported up front: left to the virtualizer it is a dynamic import, one
   * more fetch before the first rows render, which would let the book's long load start first.
   */
  private static readonly layout = flow()

  /** The customer open in the detail pane, highlighted in the list. */
  @property() selectedId: string | null = null

  private readonly list = new CustomerListController(this)
  private readonly presence = new PresenceController(this)
  @query('lit-virtualizer') private virtualizer?: LitVirtualizer<ListRow>

  override render() {
    const book = this.list.book
    if (!book) return nothing
    const { rows, total } = this.list
    return html`
      <crm-list-toolbar .query=${this.list.query} ?readOnly=${book.readOnly}
        .newHref=${routePath({ view: 'new-customer', bookId: book.bookId })}
        @query-change=${(e: CustomEvent<Partial<CustomerQuery>>) => this.list.setQuery(e.detail)}
        @focus-first-row=${() => void this.focusRow(0)}></crm-list-toolbar>
      <div class="count">
        <span role="status" aria-live="polite" data-count=${rows.length} data-source=${this.list.source}>
          ${rows.length === total ? plural(total, 'customer') : `${rows.length.toLocaleString()} of ${plural(total, 'customer')}`}
          ${this.list.source === 'projection' ? html`<span class="opening" title=${book.projectionSource === 'server' ? 'Shown as on the server while the book syncs to this device' : 'Shown as last saved on this device while the book opens'}>· opening…</span>` : nothing}
        </span>
        ${book.readOnly ? nothing : html`<a href=${routePath({ view: 'import', bookId: book.bookId })}>Import…</a>`}
      </div>
      ${rows.length === 0
        ? html`<p class="empty">${this.list.source === 'none' ? 'Opening the book…' : total === 0 ? 'No customers in this book yet.' : 'No customers match.'}</p>`
        : html`<lit-virtualizer scroller role="list" aria-label="Customers" @keydown=${this.onKeyDown}
            .layout=${CrmCustomerList.layout} .items=${rows} .keyFunction=${(r: ListRow) => r.id}
            .renderItem=${(r: ListRow, i: number) => this.renderRow(r, i)}></lit-virtualizer>`}
    `
  }

  private renderRow(r: ListRow, index: number) {
    const book = this.list.book!
    const peers = this.presence.peersOn(r.id)
    const sub = [r.city, r.email || r.phone].filter(Boolean).join(' · ')
    return html`<div role="listitem" class="item"><a class="row" data-id=${r.id} data-index=${index}
        href=${routePath({ view: 'customer', bookId: book.bookId, customerId: r.id })}
        aria-current=${r.id === this.selectedId ? 'page' : nothing}>
      <span class="name">${r.name || '(no name)'}</span>
      <span class="sub">${sub}</span>
      <span class="side">
        ${peers.slice(0, 2).map((p) => html`<span class="peer" style="background:${p.color}" title="${p.name} is here">${initials(p.name)}</span>`)}
        ${r.archived ? html`<span class="status">archived</span>` : r.status ? html`<span class="status" data-status=${r.status}>${r.status}</span>` : nothing}
      </span>
    </a></div>`
  }

  private onKeyDown(e: KeyboardEvent): void {
    const keys: Record<string, (i: number) => number> = {
      ArrowDown: (i) => i + 1, ArrowUp: (i) => i - 1, Home: () => 0, End: () => this.list.rows.length - 1,
      PageDown: (i) => i + 8, PageUp: (i) => i - 8,
    }
    const move = keys[e.key]
    const row = e.composedPath().find((n): n is HTMLElement => n instanceof HTMLElement && n.classList.contains('row'))
    if (!move || !row) return
    e.preventDefault()
    const next = Math.max(0, Math.min(this.list.rows.length - 1, move(Number(row.dataset['index']))))
    if (e.key === 'ArrowUp' && Number(row.dataset['index']) === 0) {
      this.renderRoot.querySelector('crm-list-toolbar')?.shadowRoot?.querySelector<HTMLInputElement>('#search')?.focus()
      return
    }
    void this.focusRow(next)
  }

  /** Scrolls the row into the rendered range first: off-screen rows do not exist in the DOM. */
  private async focusRow(index: number): Promise<void> {
    const v = this.virtualizer
    if (!v || index < 0 || index >= this.list.rows.length) return
    const find = () => this.renderRoot.querySelector<HTMLElement>(`a.row[data-index="${index}"]`)
    let row = find()
    if (!row) {
      v.element(index)?.scrollIntoView({ block: 'nearest' })
      for (let frame = 0; frame < 30 && !row; frame++) {
        await new Promise((r) => requestAnimationFrame(r))
        row = find()
      }
    }
    row?.focus()
    row?.scrollIntoView({ block: 'nearest' })
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-customer-list': CrmCustomerList
  }
}
