// Shown for a book route the signed-in user may not open (yet): while their book list is being
// checked, when it does not have the book, or when there is no list to check against. When the
// server's list says the user is not a member and this device still holds the book (they were
// removed from it, or it is another user's on a shared device), it offers to remove that copy.
import type { LocalStoreStats } from '@crm-sync/sync-client'
import { LitElement, html, css, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import type { BookAccess } from '../controllers/books-controller'
import { plural } from '../lib/format'
import type { LocalRemoval } from '../lib/local-removal'
import { sharedStyles } from '../styles/shared-styles'

/**
 * @fires refresh-books - check the book list with the server again
 * @fires remove-local-book - detail { bookId }: remove this device's copy of the book
 * @fires sign-out - leave this user
 */
@customElement('crm-book-access')
export class CrmBookAccess extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; max-width: 640px; margin: 0 auto; padding: 16px; }
    h1 { font-size: 1.4rem; }
    .actions { display: flex; gap: 8px; flex-wrap: wrap; margin-top: 16px; }
    .error { color: var(--danger); }
    .local-copy { margin-top: 24px; padding: 12px; border: 1px solid var(--border); border-radius: var(--radius); }
  `]

  @property({ reflect: true }) access: Exclude<BookAccess, 'member'> = 'checking'
  @property() bookId = ''
  @property() userName = ''
  @property() error: string | null = null
  /** What this device holds of the book (when access is denied); null: nothing, or not known. */
  @property({ attribute: false }) localCopy: LocalStoreStats | null = null
  /** This tab's last removal of a book's data (shown when it is this book's). */
  @property({ attribute: false }) removal: LocalRemoval | null = null
  /** Removing unsaved changes is asked twice: nothing brings them back. */
  @state() private confirming = false

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('bookId') || !this.localCopy) this.confirming = false
  }

  override render() {
    const home = html`<a class="button primary" href="/">Your books</a>`
    switch (this.access) {
      case 'checking':
        return html`<p class="muted" role="status">Checking your access to this book…</p>`
      case 'denied':
        return html`
          <h1>You don't have access to this book</h1>
          <p role="alert">${this.userName} is not a member of “${this.bookId}”. Ask its owner to add you.</p>
          <div class="actions">${home}
            <button type="button" class="ghost" @click=${() => this.emit('sign-out')}>Sign out</button></div>
          ${this.renderLocalCopy()}`
      case 'unknown':
        return html`
          <h1>Cannot open this book yet</h1>
          <p class="error" role="alert">Your access to it could not be checked${this.error ? `: ${this.error}` : ''}.
            Connect to the network and try again.</p>
          <div class="actions">${home}
            <button type="button" @click=${() => this.emit('refresh-books')}>Try again</button></div>`
    }
  }

  private renderLocalCopy() {
    const removal = this.removal?.bookId === this.bookId ? this.removal : null
    if (removal?.state === 'done' && !this.localCopy) {
      return html`<p class="local-copy removed" role="status">The book was removed from this device.</p>`
    }
    if (!this.localCopy) return nothing
    const unsaved = this.localCopy.pending
    const removing = removal?.state === 'removing'
    const changes = plural(unsaved, 'change')
    const remove = () => this.dispatchEvent(new CustomEvent('remove-local-book', { detail: { bookId: this.bookId }, bubbles: true, composed: true }))
    return html`
      <section class="local-copy" aria-label="On this device">
        <p>This device still holds a copy of “${this.bookId}”${unsaved > 0
          ? html`, with ${changes} you made that never reached the server and cannot now`
          : nothing}. Anyone using this device can read it offline.</p>
        ${this.confirming
          ? html`<p>Remove it with the ${changes}? Nothing brings them back.</p>
            <div class="actions">
              <button type="button" class="danger remove-confirm" ?disabled=${removing} @click=${remove}>
                ${removing ? 'Removing…' : `Remove it and the ${changes}`}</button>
              <button type="button" class="keep" ?disabled=${removing} @click=${() => (this.confirming = false)}>Keep it</button>
            </div>`
          : html`<button type="button" class="danger remove-copy" ?disabled=${removing}
              @click=${() => (unsaved > 0 ? (this.confirming = true) : remove())}>
              ${removing ? 'Removing…' : unsaved > 0 ? 'Remove it from this device…' : 'Remove it from this device'}</button>`}
        ${removal?.state === 'failed' ? html`<p class="error" role="alert">${removal.error}</p>` : nothing}
      </section>`
  }

  private emit(type: string): void {
    this.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true }))
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-book-access': CrmBookAccess
  }
}
