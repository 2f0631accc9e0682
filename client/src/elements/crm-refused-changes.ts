// Under the book's header while this device holds edits the relay will never take: the user is a
// viewer of the book now (made one while the edits waited offline). The local copy shows them as
// if they were saved; the rep may keep them (they are sent should the role come back) or discard
// them, which removes the book's data from the device and syncs it afresh (asked twice: nothing
// brings them back).
import { LitElement, html, css, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { SyncStatusController } from '../controllers/sync-status-controller'
import { plural } from '../lib/format'
import type { LocalRemoval } from '../lib/local-removal'
import { sharedStyles } from '../styles/shared-styles'

/** @fires remove-local-book - detail { bookId }: discard the device's copy of the book */
@customElement('crm-refused-changes')
export class CrmRefusedChanges extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; }
    .notice {
      display: flex; flex-wrap: wrap; align-items: center; gap: 8px; padding: 8px 12px;
      background: var(--danger-soft); color: var(--text); border-bottom: 1px solid var(--border);
    }
    .text { flex: 1 1 240px; min-width: 0; }
    .actions { display: flex; gap: 8px; flex-wrap: wrap; }
    .error { flex-basis: 100%; color: var(--danger); }
  `]

  /** The removal this tab asked for last (any book): shown when it is this book's. */
  @property({ attribute: false }) removal: LocalRemoval | null = null
  @state() private confirming = false

  private readonly sync = new SyncStatusController(this)

  /** The book the confirmation was asked for (the element outlives a book switch). */
  private confirmingFor: string | null = null

  /**
   * Edits are waiting that the relay will not take from this user: a viewer by the book list, and
   * the relay agrees (it said so, or refused an edit), so a kept list out of date never offers to
   * discard edits the relay would take.
   */
  private get refused(): boolean {
    const s = this.sync.status
    if (!s || s.pendingLocal === 0 || this.sync.role !== 'viewer' || this.sync.bookId === null) return false
    return s.role === 'viewer' || (s.role === null && s.error?.code === 'read-only')
  }

  override willUpdate(): void {
    if (!this.refused || this.confirmingFor !== this.sync.bookId) this.confirming = false
  }

  override render() {
    const bookId = this.sync.bookId
    if (!this.refused || bookId === null) return nothing
    const pending = this.sync.status?.pendingLocal ?? 0
    const removal = this.removal?.bookId === bookId ? this.removal : null
    const changes = plural(pending, 'change')
    const removing = removal?.state === 'removing'
    return html`
      <div class="notice" role="alert">
        <span class="text">${this.confirming
          ? html`Discard ${changes} made on this device? They were never saved, and nothing brings them back.`
          : html`${changes} made on this device cannot be saved: you can only view this book now.`}</span>
        <span class="actions">${this.confirming
          ? html`<button type="button" class="danger discard-confirm" ?disabled=${removing} @click=${() => this.discard(bookId)}>
                ${removing ? 'Discarding…' : `Discard ${changes}`}</button>
              <button type="button" class="keep" ?disabled=${removing} @click=${() => (this.confirming = false)}>Keep them</button>`
          : html`<button type="button" class="discard" @click=${() => this.confirm(bookId)}>Discard them…</button>`}</span>
        ${removal?.state === 'failed' ? html`<span class="error">${removal.error}</span>` : nothing}
      </div>
    `
  }

  private confirm(bookId: string): void {
    this.confirmingFor = bookId
    this.confirming = true
  }

  private discard(bookId: string): void {
    this.dispatchEvent(new CustomEvent('remove-local-book', { detail: { bookId }, bubbles: true, composed: true }))
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-refused-changes': CrmRefusedChanges
  }
}
