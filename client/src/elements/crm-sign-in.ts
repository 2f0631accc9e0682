// Sign-in as the server says (GET /api/auth/config): dev mode picks a demo user or types a user
// id; OpenID Connect offers "Sign in with <the IdP's host>"; tokens from elsewhere say so.
import { LitElement, html, css, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { sharedStyles } from '../styles/shared-styles'

export type SignInDetail = { userId: string; name?: string }

/** The users `npm start` seeds in dev mode (server/src/seed/demo-seed.ts). */
export const DEMO_USERS = [
  { id: 'alice', name: 'Alice Martin', note: 'owner of North territory' },
  { id: 'bob', name: 'Bob Okafor', note: 'owner of Key accounts' },
  { id: 'carol', name: 'Carol Nguyen', note: 'editor' },
  { id: 'dave', name: 'Dave Schmidt', note: 'viewer (read only)' },
] as const

/** How the server signs in ('unknown': not told yet, nothing kept on the device). */
export type SignInMode = 'dev' | 'oidc' | 'external' | 'unknown'

/**
 * @fires sign-in - {userId, name?} dev mode: the user to sign in as
 * @fires sign-in-oidc - OpenID Connect: go to the identity provider
 * @fires retry-config - ask the server how to sign in again
 */
@customElement('crm-sign-in')
export class CrmSignIn extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; max-width: 480px; margin: 0 auto; padding: 24px 16px; }
    h1 { font-size: 1.5rem; margin-bottom: 4px; }
    ul { list-style: none; padding: 0; margin: 16px 0; display: grid; gap: 8px; }
    li button { width: 100%; justify-content: flex-start; text-align: left; min-height: 56px; padding: 8px 16px; }
    .who { display: flex; flex-direction: column; font-weight: 400; }
    .who strong { font-weight: 700; }
    form { display: grid; gap: 8px; margin-top: 16px; }
    .row { display: flex; gap: 8px; }
    .row button { flex: none; white-space: nowrap; }
    .error { color: var(--danger); }
  `]

  @property({ type: Boolean }) busy = false
  @property() error: string | null = null
  @property() mode: SignInMode = 'dev'
  /** OpenID Connect: the IdP's host, named on the button. */
  @property() provider = ''
  @state() private typed = ''

  override render() {
    return html`
      <h1>Sign in</h1>
      ${this.mode === 'dev' ? this.renderDev() : this.mode === 'oidc' ? html`
        <p class="muted">Sign in with your company account.</p>
        <button class="primary oidc" type="button" ?disabled=${this.busy}
          @click=${() => this.dispatchEvent(new CustomEvent('sign-in-oidc', { bubbles: true, composed: true }))}>
          ${this.busy ? 'Signing in…' : `Sign in with ${this.provider}`}</button>` : this.mode === 'external' ? html`
        <p class="muted">This server takes sign-ins from your organisation's portal only. Open the app from there.</p>` : html`
        <p class="muted">${this.busy ? 'Asking the server how to sign in…' : 'The server could not be asked how to sign in.'}</p>
        <button type="button" ?disabled=${this.busy}
          @click=${() => this.dispatchEvent(new CustomEvent('retry-config', { bubbles: true, composed: true }))}>Try again</button>`}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    `
  }

  private renderDev() {
    return html`
      <p class="muted">Development sign-in: choose a demo user.</p>
      <ul aria-label="Demo users">
        ${DEMO_USERS.map((u) => html`<li>
          <button type="button" ?disabled=${this.busy} data-user=${u.id} @click=${() => this.emit({ userId: u.id, name: u.name })}>
            <span class="who"><strong>${u.name}</strong><span class="muted">${u.id} · ${u.note}</span></span>
          </button>
        </li>`)}
      </ul>
      <form @submit=${this.onSubmit}>
        <label for="user">Or another user id</label>
        <div class="row">
          <input id="user" name="user" autocomplete="username" autocapitalize="none" spellcheck="false"
            .value=${this.typed} @input=${(e: Event) => (this.typed = (e.target as HTMLInputElement).value)} />
          <button class="primary" type="submit" ?disabled=${this.busy || this.typed.trim() === ''}>Sign in</button>
        </div>
      </form>`
  }

  private onSubmit(e: Event): void {
    e.preventDefault()
    if (this.typed.trim()) this.emit({ userId: this.typed.trim() })
  }

  private emit(detail: SignInDetail): void {
    this.dispatchEvent(new CustomEvent<SignInDetail>('sign-in', { detail, bubbles: true, composed: true }))
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-sign-in': CrmSignIn
  }
}
