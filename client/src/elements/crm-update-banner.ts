// A small banner at the bottom of the screen when a new version of the app is ready: it reloads
// only when the user presses Reload (the app saves the open book first), and can be dismissed.
// `kind="offline-ready"`: the app was just cached for offline use (shown a few seconds, once; it
// takes no taps, so nothing under it is ever blocked).
import { LitElement, html, css, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { sharedStyles } from '../styles/shared-styles'

/**
 * @fires reload-app - the user wants the new version now
 * @fires dismiss-update - the user wants the banner gone (the new version loads next time)
 */
@customElement('crm-update-banner')
export class CrmUpdateBanner extends LitElement {
  static override styles = [sharedStyles, css`
    :host {
      position: fixed; z-index: 20; left: 50%; transform: translateX(-50%);
      bottom: calc(12px + env(safe-area-inset-bottom, 0px));
      width: max-content; max-width: calc(100vw - 24px);
    }
    .banner {
      display: flex; align-items: center; flex-wrap: wrap; gap: 4px 8px; padding: 6px 6px 6px 14px;
      background: var(--text); color: #fff; border-radius: var(--radius);
      box-shadow: 0 4px 16px rgb(0 0 0 / 0.2);
    }
    .text { flex: 1 1 auto; min-width: 0; }
    .error { flex-basis: 100%; order: 3; color: #fecaca; font-size: 0.85rem; padding-bottom: 4px; }
    button.ghost { color: #fff; font-size: 1.2rem; padding: 0 8px; }
    :host([kind='offline-ready']) { pointer-events: none; }
    :host([kind='offline-ready']) .banner { padding: 8px 14px; opacity: 0.92; }
  `]

  @property({ reflect: true }) kind: 'update' | 'offline-ready' = 'update'
  /** The reload was asked for: saving, then waiting for the new version to take over. */
  @property({ type: Boolean, reflect: true }) reloading = false
  @property() error: string | null = null

  override render() {
    if (this.kind === 'offline-ready') {
      return html`
        <div class="banner" role="status" aria-live="polite">
          <span class="text">Ready to work offline: the app now opens without a network.</span>
        </div>
      `
    }
    return html`
      <div class="banner" role="status" aria-live="polite">
        <span class="text">A new version is ready.</span>
        <button type="button" class="primary reload" ?disabled=${this.reloading} @click=${() => this.emit('reload-app')}>
          ${this.reloading ? 'Reloading…' : 'Reload'}</button>
        <button type="button" class="ghost dismiss" aria-label="Dismiss" title="Not now" ?disabled=${this.reloading}
          @click=${() => this.emit('dismiss-update')}>✕</button>
        ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : nothing}
      </div>
    `
  }

  private emit(type: string): void {
    this.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true }))
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-update-banner': CrmUpdateBanner
  }
}
