// Shown over the app when the sign-in can no longer be renewed (OpenID Connect: no refresh token,
// or the identity provider refused it). Everything stays usable and on the device meanwhile;
// signing in again (the same user) carries on syncing where it stopped.
import { LitElement, html, css, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { noticeBannerStyles } from '../styles/notice-banner-styles'
import { sharedStyles } from '../styles/shared-styles'

/**
 * @fires sign-in-again - the user wants to go to the identity provider now
 */
@customElement('crm-sign-in-again')
export class CrmSignInAgain extends LitElement {
  static override styles = [sharedStyles, noticeBannerStyles, css`
    .banner { background: #fef3c7; border-bottom: 1px solid #f59e0b; }
    .error { flex-basis: 100%; color: var(--danger); font-size: 0.9rem; }
  `]

  @property({ type: Boolean }) busy = false
  @property() error: string | null = null

  override render() {
    return html`
      <div class="banner" role="status" aria-live="polite">
        <span class="text">Your sign-in has expired. Your work stays on this device; sign in again to sync it.</span>
        <button type="button" class="primary" ?disabled=${this.busy}
          @click=${() => this.dispatchEvent(new CustomEvent('sign-in-again', { bubbles: true, composed: true }))}>
          ${this.busy ? 'Signing in…' : 'Sign in again'}</button>
        ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : nothing}
      </div>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-sign-in-again': CrmSignInAgain
  }
}
