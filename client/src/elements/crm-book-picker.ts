// The books this user may open, with their role. Works offline from the list kept on the device.
// Below them, books this device still holds that the server's list no longer has for the user, so
// that a copy (and edits that never reached the server) is not left on the device unseen.
import { LitElement, html, css, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import type { LocalCopy } from '../controllers/local-copy-controller'
import { plural } from '../lib/format'
import type { BookEntry } from '../lib/session-store'
import { routePath } from '../lib/routes'
import { sharedStyles } from '../styles/shared-styles'

/**
 * @fires refresh-books - reload the list from the server
 * @fires sign-out - leave this user
 */
@customElement('crm-book-picker')
export class CrmBookPicker extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; max-width: 640px; margin: 0 auto; padding: 16px; }
    header { display: flex; align-items: center; justify-content: space-between; gap: 8px; flex-wrap: wrap; }
    h1 { font-size: 1.4rem; }
    ul { list-style: none; padding: 0; margin: 16px 0; display: grid; gap: 8px; }
    a.book {
      display: flex; align-items: center; justify-content: space-between; gap: 8px; min-height: 64px; padding: 12px 16px;
      background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); color: inherit; text-decoration: none;
    }
    a.book:hover { border-color: var(--brand); }
    .name { font-weight: 700; }
    .role { font-size: 0.8rem; padding: 2px 8px; border-radius: 999px; background: var(--brand-soft); color: var(--brand-dark); }
    .actions { display: flex; gap: 8px; flex-wrap: wrap; }
    h2 { font-size: 1.1rem; margin-top: 24px; }
    .unsaved { font-size: 0.8rem; color: var(--danger); }
    .error { color: var(--danger); }
  `]

  @property({ attribute: false }) books: BookEntry[] | null = null
  @property({ type: Boolean }) loading = false
  @property() error: string | null = null
  @property() userName = ''
  /** Books stored on this device that the server's list lacks (from LostBooksController). */
  @property({ attribute: false }) lost: readonly LocalCopy[] = []
  /** The device was looked through for them (reflected: `lost-checked`). */
  @property({ type: Boolean, reflect: true, attribute: 'lost-checked' }) lostChecked = false

  override render() {
    return html`
      <header>
        <div>
          <h1>Your books</h1>
          <span class="muted">Signed in as ${this.userName}</span>
        </div>
        <div class="actions">
          <button type="button" @click=${() => this.emit('refresh-books')} ?disabled=${this.loading}>${this.loading ? 'Loading…' : 'Refresh'}</button>
          <button type="button" class="ghost" @click=${() => this.emit('sign-out')}>Sign out</button>
        </div>
      </header>
      ${this.error ? html`<p class="error" role="alert">Could not load the books: ${this.error}${this.books ? ' (showing the list kept on this device)' : ''}</p>` : nothing}
      ${this.books === null
        ? html`<p class="muted">${this.loading ? 'Loading your books…' : 'No books on this device yet. Connect to the network once to load them.'}</p>`
        : this.books.length === 0
          ? html`<p class="muted">You are not a member of any book yet.</p>`
          : html`<ul aria-label="Books">
              ${this.books.map((b) => html`<li>
                <a class="book" href=${routePath({ view: 'book', bookId: b.id })} data-book=${b.id}>
                  <span class="name">${b.name}</span><span class="role">${b.role}</span>
                </a>
              </li>`)}
            </ul>`}
      ${this.renderLost()}
    `
  }

  private renderLost() {
    if (this.lost.length === 0) return nothing
    return html`
      <section class="lost" aria-labelledby="lost-heading">
        <h2 id="lost-heading">Only on this device</h2>
        <p class="muted">You are no longer a member of these books, but this device still holds a copy that
          anyone using it can read offline. Open one to remove it from the device.</p>
        <ul aria-label="Books only on this device">
          ${this.lost.map(({ bookId, stats }) => html`<li>
            <a class="book" href=${routePath({ view: 'book', bookId })} data-lost-book=${bookId}>
              <span class="name">${bookId}</span>
              ${stats.pending > 0 ? html`<span class="unsaved">${plural(stats.pending, 'change')} never saved</span>` : nothing}
            </a>
          </li>`)}
        </ul>
      </section>`
  }

  private emit(type: string): void {
    this.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true }))
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-book-picker': CrmBookPicker
  }
}
