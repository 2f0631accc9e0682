// One open book: a header (back to the books, the book's name, presence, the sync badge) over
// the customer list and the current screen (detail, new customer, import). On a phone one pane
// shows at a time; from 960 px wide the list stays beside the detail.
import { LitElement, html, css, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { BookController } from '../controllers/book-controller'
import type { LocalRemoval } from '../lib/local-removal'
import { routePath, type BookRoute } from '../lib/routes'
import { sharedStyles } from '../styles/shared-styles'
import './crm-customer-detail'
import './crm-customer-list'
import './crm-import-view'
import './crm-new-customer'
import './crm-presence-bar'
import './crm-refused-changes'
import './crm-sync-badge'

/**
 * @fires remove-local-book - (from crm-refused-changes) detail { bookId }
 * @fires reopen-book - the book could not be read from the device: open it again
 */
@customElement('crm-book-view')
export class CrmBookView extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: grid; grid-template-rows: auto auto 1fr; height: 100dvh; overflow: hidden; }
    header {
      display: flex; align-items: center; gap: 8px; padding: 6px 8px; padding-top: max(6px, env(safe-area-inset-top));
      background: var(--surface); border-bottom: 1px solid var(--border); min-width: 0;
    }
    header a.back {
      flex: none; display: inline-flex; align-items: center; justify-content: center; width: var(--tap); height: var(--tap);
      border-radius: var(--radius); color: var(--text); text-decoration: none; font-size: 1.5rem;
    }
    h1 { flex: 1; min-width: 0; font-size: 1.05rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .role { font-size: 0.75rem; font-weight: 600; color: var(--warn); background: var(--warn-soft); padding: 2px 6px; border-radius: 6px; }
    crm-presence-bar { flex: none; }
    crm-sync-badge { flex: none; max-width: 46%; }
    .panes { display: grid; grid-template-columns: 1fr; min-height: 0; }
    .pane { min-height: 0; min-width: 0; }
    .list-pane { display: flex; flex-direction: column; }
    .detail-pane { overflow-y: auto; overscroll-behavior: contain; }
    .panes[data-view='book'] .detail-pane { display: none; }
    .panes:not([data-view='book']) .list-pane { display: none; }
    .placeholder { display: grid; place-items: center; height: 100%; color: var(--muted); padding: 24px; text-align: center; }
    .error { padding: 16px; color: var(--danger); }
    @media (min-width: 960px) {
      .panes { grid-template-columns: minmax(340px, 400px) 1fr; }
      .panes .list-pane, .panes[data-view] .list-pane { display: flex; border-right: 1px solid var(--border); }
      .panes .detail-pane, .panes[data-view] .detail-pane { display: block; }
      crm-sync-badge { max-width: none; }
    }
  `]

  @property({ attribute: false }) route!: BookRoute
  /** The removal of a book's data from this device asked for last (crm-refused-changes shows this book's). */
  @property({ attribute: false }) removal: LocalRemoval | null = null

  private readonly book = new BookController(this)

  override render() {
    const book = this.book.book
    if (!book) return nothing
    return html`
      <header>
        <a class="back" href="/" aria-label="All books" title="All books">‹</a>
        <h1>${this.book.name}</h1>
        ${book.readOnly ? html`<span class="role" title="You can read this book but not change it">Read only</span>` : nothing}
        <crm-presence-bar></crm-presence-bar>
        <crm-sync-badge></crm-sync-badge>
      </header>
      <div class="notices">
        <crm-refused-changes .removal=${this.removal}></crm-refused-changes>
        ${this.book.loadError
          ? html`<p class="error load-error" role="alert">This book could not be read from the device: ${this.book.loadError}
              <button type="button" class="retry-load" @click=${() => this.dispatchEvent(new CustomEvent('reopen-book', { bubbles: true, composed: true }))}>Try again</button></p>`
          : nothing}
      </div>
      <div class="panes" data-view=${this.route.view}>
        <section class="pane list-pane" aria-label="Customers">
          <crm-customer-list .selectedId=${this.route.view === 'customer' ? this.route.customerId : null}></crm-customer-list>
        </section>
        <section class="pane detail-pane" aria-label=${this.route.view === 'customer' ? 'Customer' : this.route.view === 'import' ? 'Import' : 'New customer'}>
          ${this.renderDetail()}
        </section>
      </div>
    `
  }

  private renderDetail() {
    const r = this.route
    switch (r.view) {
      case 'customer':
        return html`<crm-customer-detail .customerId=${r.customerId}></crm-customer-detail>`
      case 'new-customer':
        return html`<crm-new-customer></crm-new-customer>`
      case 'import':
        return html`<crm-import-view .bookId=${r.bookId}></crm-import-view>`
      case 'book':
        return html`<div class="placeholder">
          <p>Choose a customer, or <a href=${routePath({ view: 'new-customer', bookId: r.bookId })}>add one</a>.</p>
        </div>`
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-book-view': CrmBookView
  }
}
