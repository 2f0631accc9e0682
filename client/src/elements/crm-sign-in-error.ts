// Shown over the app when a sign-in attempt failed while the user is still signed in (a stale or
// duplicated callback, the back button onto one): says what failed; the session is untouched.
import { LitElement, html, css } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { noticeBannerStyles } from '../styles/notice-banner-styles'
import { sharedStyles } from '../styles/shared-styles'

/**
 * @fires dismiss-sign-in-error - the user has read it
 */
@customElement('crm-sign-in-error')
export class CrmSignInError extends LitElement {
  static override styles = [sharedStyles, noticeBannerStyles, css`
    .banner { background: #fee2e2; border-bottom: 1px solid var(--danger); }
  `]

  @property() error = ''

  override render() {
    return html`
      <div class="banner">
        <span class="text" role="alert">${this.error} You are still signed in.</span>
        <button type="button"
          @click=${() => this.dispatchEvent(new CustomEvent('dismiss-sign-in-error', { bubbles: true, composed: true }))}>Dismiss</button>
      </div>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-sign-in-error': CrmSignInError
  }
}
