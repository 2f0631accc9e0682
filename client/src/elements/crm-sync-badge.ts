// The sync badge: offline / connecting / syncing / synced at a glance (lib/badge-state.ts), "N
// changes waiting" while local edits are not yet acknowledged by the relay, and when this device
// last synced. Its `state` attribute mirrors what it shows, for styling and for tests.
import { LitElement, html, css, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { SyncStatusController } from '../controllers/sync-status-controller'
import { BADGE_LABELS, badgeState, type BadgeState } from '../lib/badge-state'
import { plural, relativeTime } from '../lib/format'
import { sharedStyles } from '../styles/shared-styles'

@customElement('crm-sync-badge')
export class CrmSyncBadge extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: inline-flex; min-width: 0; }
    .badge {
      display: inline-flex; align-items: center; gap: 8px; min-height: 36px; padding: 4px 10px;
      border-radius: 999px; background: var(--surface); border: 1px solid var(--border); min-width: 0;
    }
    .dot { flex: none; width: 10px; height: 10px; border-radius: 50%; background: var(--muted); }
    :host([state='synced']) .dot { background: #16a34a; }
    :host([state='syncing']) .dot, :host([state='connecting']) .dot { background: #d97706; animation: pulse 1s ease-in-out infinite alternate; }
    :host([state='connecting']) .dot { background: #9ca3af; }
    :host([state='offline']) .dot { background: #6b7280; }
    @keyframes pulse { to { opacity: 0.35; } }
    .text { display: flex; flex-direction: column; line-height: 1.15; min-width: 0; }
    .state { font-weight: 700; font-size: 0.85rem; }
    .detail { font-size: 0.75rem; color: var(--muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .pending { color: var(--warn); font-weight: 600; }
    .error { color: var(--danger); }
  `]

  /** Mirrors what the badge shows. */
  @property({ reflect: true }) state: BadgeState = 'offline'

  private readonly sync = new SyncStatusController(this)

  override willUpdate(): void {
    this.state = badgeState(this.sync.status, this.sync.online)
  }

  override render() {
    const s = this.sync.status
    if (!s) return nothing
    const pending = s.pendingLocal > 0 ? plural(s.pendingLocal, 'change') + ' waiting' : null
    const ago = s.lastSyncedAt ? relativeTime(s.lastSyncedAt, this.sync.now) : null
    const last = ago ? `Last synced ${ago}` : 'Not synced yet'
    // Small screens get the short form ("Synced / 2 min ago"); the title has the whole sentence.
    const short = ago === null ? 'not synced yet' : this.state === 'synced' ? ago : `synced ${ago}`
    return html`
      <div class="badge" role="status" aria-live="polite" title=${s.error?.message ?? last}>
        <span class="dot" aria-hidden="true"></span>
        <span class="text">
          <span class="state">${BADGE_LABELS[this.state]}</span>
          ${s.error && s.error.code !== 'read-only'
            ? html`<span class="detail error">${s.error.message}</span>`
            : s.error && pending && this.sync.readOnly
              // Refused as a viewer (made one while offline, or the role changed): waiting will not help.
              // A user who may write again (promoted back) sees them waiting: they are sent again.
              ? html`<span class="detail error" data-pending=${s.pendingLocal}>${plural(s.pendingLocal, 'change')} not saved: view only</span>`
              : pending
              ? html`<span class="detail pending" data-pending=${s.pendingLocal}>${pending}</span>`
              : html`<span class="detail" aria-label=${last}>${short}</span>`}
        </span>
      </div>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-sync-badge': CrmSyncBadge
  }
}
