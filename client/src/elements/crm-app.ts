// The app's root: signs in, picks a book, and shows it (to its members only). It owns the session,
// the route and the open book, and provides them to the tree (@lit/context); the screens below
// only render and emit events. It also offers a new app version (a banner), reloading only when
// the user asks, after the open book is saved.
import { ContextProvider } from '@lit/context'
import { LitElement, html, css, nothing } from 'lit'
import { customElement } from 'lit/decorators.js'
import { AppUpdateController, type RegisterSW } from '../controllers/app-update-controller'
import { AuthConfigController } from '../controllers/auth-config-controller'
import { BookSessionController } from '../controllers/book-session-controller'
import { BooksController } from '../controllers/books-controller'
import { LocalCopyController } from '../controllers/local-copy-controller'
import { LostBooksController } from '../controllers/lost-books-controller'
import { RouterController } from '../controllers/router-controller'
import { SessionController } from '../controllers/session-controller'
import { bookSessionContext } from '../context/book-session-context'
import { routerContext } from '../context/router-context'
import { tokenSourceContext } from '../context/token-source-context'
import { AuthConfigStore } from '../lib/auth-config'
import { OidcAttemptStore } from '../lib/oidc-attempt'
import { AUTH_CALLBACK_PATH, OidcSignIn } from '../lib/oidc-sign-in'
import { parseRoute } from '../lib/routes'
import { SessionStore } from '../lib/session-store'
import { signInNotice } from '../lib/sign-in-notice'
import { sharedStyles } from '../styles/shared-styles'
import type { SignInDetail } from './crm-sign-in'
import './crm-book-access'
import './crm-book-picker'
import './crm-book-view'
import './crm-sign-in'
import './crm-sign-in-again'
import './crm-sign-in-error'
import './crm-update-banner'

@customElement('crm-app')
export class CrmApp extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; min-height: 100dvh; background: var(--bg); }
  `]

  private readonly store = new SessionStore(localStorage)
  private readonly authConfig = new AuthConfigController(this, new AuthConfigStore(localStorage), (config) =>
    new OidcSignIn(config, { redirectUri: `${location.origin}${AUTH_CALLBACK_PATH}`, attempts: new OidcAttemptStore(sessionStorage) }))
  private readonly auth = new SessionController(this, this.store, {
    // Signed out, or in as someone else, in another tab: leave the book as a sign-out here does.
    changedElsewhere: () => this.router.navigate({ view: 'home' }, { replace: true }),
    oidc: () => this.authConfig.oidc,
  })
  private readonly books = new BooksController(this, this.store, () => this.auth.session, this.auth)
  private readonly router = new RouterController(this, () => {})
  private readonly bookProvider = new ContextProvider(this, { context: bookSessionContext, initialValue: null })
  private readonly bookSession = new BookSessionController(
    this,
    () => {
      const route = this.router.route
      const book = route.view === 'home' ? undefined : this.books.find(route.bookId)
      return { session: this.auth.session, book: book ?? null, getToken: this.auth.getToken }
    },
    (book) => this.bookProvider.setValue(book),
    // Removed from the book, or its role changed, while it was open: the list says what is left.
    () => void this.books.refresh(),
  )
  // A book the user may not open that this device still holds: the access screen offers to remove it.
  private readonly localCopy = new LocalCopyController(this, () => {
    const route = this.router.route
    const denied = this.auth.session && route.view !== 'home' && this.books.access(route.bookId) === 'denied'
    return { userId: this.auth.session?.userId ?? null, bookId: denied ? route.bookId : null, removal: this.bookSession.removal }
  })
  // Books this device holds that the user's list lacks: the picker lists them (only on its screen).
  private readonly lostBooks = new LostBooksController(this, () => {
    const books = this.router.route.view === 'home' ? this.books.books : null
    return { userId: this.auth.session?.userId ?? null, listed: books?.map((b) => b.id) ?? null, removal: this.bookSession.removal }
  })
  private readonly appUpdate = new AppUpdateController(this, { save: () => this.bookSession.saveBeforeReload() })

  constructor() {
    super()
    new ContextProvider(this, { context: routerContext, initialValue: this.router })
    new ContextProvider(this, { context: tokenSourceContext, initialValue: this.auth })
  }

  override connectedCallback(): void {
    super.connectedCallback()
    if (location.pathname === AUTH_CALLBACK_PATH) void this.completeSignIn()
  }

  /** Back from the IdP: the code leaves the URL (and history) at once, then the user goes where they were going. */
  private async completeSignIn(): Promise<void> {
    const callback = new URL(location.href)
    this.router.navigate({ view: 'home' }, { replace: true })
    const returnTo = await this.auth.completeOidcSignIn(callback)
    if (returnTo) this.router.navigate(parseRoute(returnTo), { replace: true })
  }

  /** Saves the open book (as before a reload), then leaves for the IdP, to come back here. */
  private readonly signInAgain = async () => {
    await this.bookSession.saveBeforeReload()
    await this.auth.startOidcSignIn(location.pathname)
  }

  /** Called once by main.ts: registers the service worker, whose new versions wait for the user. */
  registerServiceWorker(registerSW: RegisterSW): void {
    this.appUpdate.register(registerSW)
  }

  override render() {
    const notice = signInNotice({ signedIn: this.auth.session !== null, signInAgain: this.auth.signInAgain, error: this.auth.error })
    return html`${notice?.kind === 'sign-in-again' ? html`<crm-sign-in-again ?busy=${this.auth.signingIn} .error=${notice.error}
        @sign-in-again=${() => void this.signInAgain()}></crm-sign-in-again>` : notice?.kind === 'error' ? html`<crm-sign-in-error
        .error=${notice.error} @dismiss-sign-in-error=${() => this.auth.clearError()}></crm-sign-in-error>` : nothing}${this.renderScreen()}${this.appUpdate.visible
      ? html`<crm-update-banner ?reloading=${this.appUpdate.state === 'reloading'} .error=${this.appUpdate.error}
          @reload-app=${() => void this.appUpdate.reloadNow()} @dismiss-update=${() => this.appUpdate.dismiss()}></crm-update-banner>`
      : this.appUpdate.offlineReady
        ? html`<crm-update-banner kind="offline-ready"></crm-update-banner>`
        : nothing}`
  }

  private renderScreen() {
    const session = this.auth.session
    if (!session) {
      const config = this.authConfig.config
      return html`<crm-sign-in ?busy=${this.auth.signingIn || (!config && this.authConfig.loading)}
        .error=${this.auth.error ?? this.authConfig.error} .mode=${config?.mode ?? 'unknown'} .provider=${this.authConfig.oidc?.issuerHost ?? ''}
        @sign-in=${(e: CustomEvent<SignInDetail>) => void this.auth.signIn(e.detail.userId, e.detail.name)}
        @sign-in-oidc=${() => void this.auth.startOidcSignIn(location.pathname)}
        @retry-config=${() => void this.authConfig.refresh()}></crm-sign-in>`
    }
    const route = this.router.route
    if (route.view === 'home') {
      return html`<crm-book-picker .books=${this.books.books} ?loading=${this.books.loading} .error=${this.books.error}
        .userName=${session.name} .lost=${this.lostBooks.copies.filter((c) => this.books.access(c.bookId) === 'denied')}
        ?lost-checked=${this.lostBooks.answered}
        @refresh-books=${() => void this.books.refresh()}
        @sign-out=${this.signOut}></crm-book-picker>`
    }
    const access = this.books.access(route.bookId)
    if (access !== 'member' || !this.bookSession.current) {
      const copy = access === 'denied' && this.localCopy.copy?.bookId === route.bookId ? this.localCopy.copy.stats : null
      return html`<crm-book-access .access=${access === 'member' ? 'checking' : access} .bookId=${route.bookId}
        .userName=${session.name} .error=${this.books.error} .localCopy=${copy} .removal=${this.bookSession.removal}
        @refresh-books=${() => void this.books.refresh()}
        @remove-local-book=${this.removeLocalBook}
        @sign-out=${this.signOut}></crm-book-access>`
    }
    return html`<crm-book-view .route=${route} .removal=${this.bookSession.removal}
      @remove-local-book=${this.removeLocalBook} @reopen-book=${() => this.bookSession.reopen()}></crm-book-view>`
  }

  private readonly removeLocalBook = (e: CustomEvent<{ bookId: string }>) => void this.bookSession.removeFromDevice(e.detail.bookId)

  private readonly signOut = () => {
    this.auth.signOut()
    this.router.navigate({ view: 'home' }, { replace: true })
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-app': CrmApp
  }
}
