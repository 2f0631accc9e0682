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

  /** Edits are waiting that the relay will not take from this user. */
  private get refused(): boolean {
    return (this.sync.status?.pendingLocal ?? 0) > 0 && this.sync.role === 'viewer' && this.sync.bookId !== null
  }

  override willUpdate(): void {
    if (!this.refused) this.confirming = false
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
          : html`<button type="button" class="discard" @click=${() => (this.confirming = true)}>Discard them…</button>`}</span>
        ${removal?.state === 'failed' ? html`<span class="error">${removal.error}</span>` : nothing}
      </div>
    `
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
