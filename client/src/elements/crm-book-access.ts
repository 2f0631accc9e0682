// Shown for a book route the signed-in user may not open (yet): while their book list is being
// checked, when it does not have the book, or when there is no list to check against.
import { LitElement, html, css } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import type { BookAccess } from '../controllers/books-controller'
import { sharedStyles } from '../styles/shared-styles'

/**
 * @fires refresh-books - check the book list with the server again
 * @fires sign-out - leave this user
 */
@customElement('crm-book-access')
export class CrmBookAccess extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; max-width: 640px; margin: 0 auto; padding: 16px; }
    h1 { font-size: 1.4rem; }
    .actions { display: flex; gap: 8px; flex-wrap: wrap; margin-top: 16px; }
    .error { color: var(--danger); }
  `]

  @property({ reflect: true }) access: Exclude<BookAccess, 'member'> = 'checking'
  @property() bookId = ''
  @property() userName = ''
  @property() error: string | null = null

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
            <button type="button" class="ghost" @click=${() => this.emit('sign-out')}>Sign out</button></div>`
      case 'unknown':
        return html`
          <h1>Cannot open this book yet</h1>
          <p class="error" role="alert">Your access to it could not be checked${this.error ? `: ${this.error}` : ''}.
            Connect to the network and try again.</p>
          <div class="actions">${home}
            <button type="button" @click=${() => this.emit('refresh-books')}>Try again</button></div>`
    }
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
