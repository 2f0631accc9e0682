// How this server wants the app to sign in: the copy kept on the device at once (an offline
// start), then the server's answer (GET /api/auth/config), kept for next time. Gives the
// OpenID Connect client for the current settings (one per page, so discovery is asked once).
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { fetchAuthConfig, type AuthConfig, type AuthConfigStore, type OidcConfig } from '../lib/auth-config'
import type { OidcSignIn } from '../lib/oidc-sign-in'

export class AuthConfigController implements ReactiveController {
  config: AuthConfig | null
  /** Set when the server could not be asked and nothing is kept on the device. */
  error: string | null = null
  loading = false
  private client: { key: string; oidc: OidcSignIn } | null = null

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly store: AuthConfigStore,
    private readonly makeOidc: (config: OidcConfig) => OidcSignIn,
    private readonly fetchFn: () => typeof fetch = () => fetch,
  ) {
    host.addController(this)
    this.config = store.load()
  }

  hostConnected(): void {
    void this.refresh()
  }

  async refresh(): Promise<void> {
    this.loading = true
    this.host.requestUpdate()
    try {
      this.config = await fetchAuthConfig(this.fetchFn())
      this.store.save(this.config)
      this.error = null
    } catch (e) {
      // Offline with a kept copy: that copy serves.
      this.error = this.config ? null : `Cannot reach the server to sign in (${e instanceof Error ? e.message : String(e)}).`
    } finally {
      this.loading = false
      this.host.requestUpdate()
    }
  }

  /** The OpenID Connect client for the current settings, or null when the server does not use it. */
  get oidc(): OidcSignIn | null {
    const c = this.config
    if (c?.mode !== 'oidc') return null
    const key = JSON.stringify(c)
    if (this.client?.key !== key) this.client = { key, oidc: this.makeOidc(c) }
    return this.client.oidc
  }
}
