// The app's own updates, through vite-plugin-pwa's prompt flow: a new version's service worker
// installs and then waits, and the page is reloaded only when the user asks (a banner), after
// what they did is saved, so an update never takes a half-filled form or a preview away.
//
//   none ── onNeedRefresh ──► ready ── reloadNow() ──► reloading ── save, updateSW ──► new SW controls ─► reload
//             (a new SW is waiting)   ▲                    │ save failed, updateSW failed, or the
//                                     │                    │ new SW not in control `takeOverMs` later
//                                     └────────────────────┘
//   none ── new SW controls (another tab's Reload let it in) ──► ready (reloadNow: save, reload)
//
// Separately, the first version's worker having cached the app (onOfflineReady) shows "ready to
// work offline" for `noticeMs`, once: from then on the app opens with no network.
//
// "New SW controls" is our own `controllerchange` listener, not vite-plugin-pwa's onNeedReload:
// that one fires only in a tab a service worker already controlled when it opened, so a tab
// opened on the first visit would never reload. `dismiss()` hides the banner until the next
// version. The registration function comes from the composition root (main.ts:
// `virtual:pwa-register` exists only in the Vite build).
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { RegisterSWOptions } from 'vite-plugin-pwa/types'

/** `registerSW` of `virtual:pwa-register` (vite-plugin-pwa 1.x): returns `updateSW`. */
export type RegisterSW = (options: RegisterSWOptions) => (reloadPage?: boolean) => Promise<void>

export type AppUpdateState = 'none' | 'ready' | 'reloading'

/** What is used of `navigator.serviceWorker`. */
export interface ServiceWorkerContainerLike {
  readonly controller: unknown
  addEventListener(type: 'controllerchange', listener: () => void): void
}

export interface AppUpdateOptions {
  /** Saves what the user did (typed text, the open book); the reload waits for it. */
  readonly save: () => Promise<void>
  /** How to reload: `location.reload()` unless a test says otherwise. */
  readonly reload?: () => void
  /** `navigator.serviceWorker` unless a test says otherwise; null where there is none. */
  readonly serviceWorker?: ServiceWorkerContainerLike | null
  /**
   * How long the new version may take to control the page after Reload before the banner offers
   * Reload again (a worker that never activates would leave "Reloading…" forever). 15 s.
   */
  readonly takeOverMs?: number
  /** How long the "ready to work offline" notice stays. 6 s. */
  readonly noticeMs?: number
}

const TAKE_OVER_MS = 15_000
const NOTICE_MS = 6_000

export class AppUpdateController implements ReactiveController {
  state: AppUpdateState = 'none'
  dismissed = false
  /** Why the last reload did not happen. */
  error: string | null = null
  private updateSW: ((reloadPage?: boolean) => Promise<void>) | null = null
  /** The user pressed Reload here: the new version taking control reloads this page. */
  private requested = false
  /** The new version controls this page already (another tab activated it): a plain reload loads it. */
  private controlled = false
  private readonly reload: () => void
  private takeOverTimer: ReturnType<typeof setTimeout> | null = null
  /** The app is cached for offline use, just now: the notice shows. */
  offlineReady = false
  private noticeTimer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly o: AppUpdateOptions,
  ) {
    this.reload = o.reload ?? (() => location.reload())
    host.addController(this)
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.stopWaiting()
    this.dismissOfflineReady()
  }

  /** Hides the "ready to work offline" notice (also by itself after `noticeMs`). */
  dismissOfflineReady(): void {
    if (this.noticeTimer !== null) clearTimeout(this.noticeTimer)
    this.noticeTimer = null
    if (!this.offlineReady) return
    this.offlineReady = false
    this.host.requestUpdate()
  }

  /** The banner is shown. */
  get visible(): boolean {
    return this.state !== 'none' && !this.dismissed
  }

  /** Registers the service worker (once). */
  register(registerSW: RegisterSW): void {
    if (this.updateSW) return
    const container = this.o.serviceWorker !== undefined ? this.o.serviceWorker : 'serviceWorker' in navigator ? navigator.serviceWorker : null
    let hadController = container?.controller != null
    container?.addEventListener('controllerchange', () => {
      // The first version claiming the page that installed it is no update, unless the user asked
      // for it here (a page no service worker controlled, e.g. after a hard reload, and one waiting).
      if (hadController || this.requested) this.newVersionControls()
      hadController = true
    })
    this.updateSW = registerSW({
      immediate: true,
      // A new version is installed and waiting for this page to let it take over.
      onNeedRefresh: () => this.show(),
      // Without this callback vite-plugin-pwa reloads the page when the new version takes control,
      // also in every other tab (skipWaiting moves them all over): the listener above decides.
      onNeedReload: () => {},
      onOfflineReady: () => this.showOfflineReady(),
      onRegisterError: (e: unknown) => console.error('registering the service worker failed', e),
    })
  }

  /** Saves, then lets the waiting version take over; the page reloads once it controls it. */
  async reloadNow(): Promise<void> {
    if (this.state === 'reloading') return
    this.set('reloading', null)
    try {
      await this.o.save()
    } catch (e) {
      console.error('saving before the reload failed', e)
      this.set('ready', 'Your latest changes could not be saved on this device, so the app did not reload. Try again in a moment.')
      return
    }
    this.requested = true
    if (this.controlled) return this.reload()
    try {
      await this.updateSW?.(true)
    } catch (e) {
      console.error('activating the new version failed', e)
      this.notStarted()
      return
    }
    if (!this.controlled) {
      this.takeOverTimer = setTimeout(() => {
        console.error('the new version did not take control of the page')
        this.notStarted()
      }, this.o.takeOverMs ?? TAKE_OVER_MS)
    }
  }

  private notStarted(): void {
    this.stopWaiting()
    this.requested = false
    this.set('ready', 'The new version could not be started. Try again in a moment.')
  }

  private stopWaiting(): void {
    if (this.takeOverTimer !== null) clearTimeout(this.takeOverTimer)
    this.takeOverTimer = null
  }

  dismiss(): void {
    this.dismissed = true
    this.host.requestUpdate()
  }

  /** Ours if the user pressed Reload here; else another tab's Reload: offer it here too. */
  private newVersionControls(): void {
    this.controlled = true
    this.stopWaiting()
    if (this.requested) this.reload()
    else this.show()
  }

  private showOfflineReady(): void {
    this.offlineReady = true
    this.host.requestUpdate()
    if (this.noticeTimer !== null) clearTimeout(this.noticeTimer)
    this.noticeTimer = setTimeout(() => this.dismissOfflineReady(), this.o.noticeMs ?? NOTICE_MS)
  }

  private show(): void {
    if (this.state === 'reloading') return
    this.dismissed = false
    this.set('ready', null)
  }

  private set(state: AppUpdateState, error: string | null): void {
    this.state = state
    this.error = error
    this.host.requestUpdate()
  }
}
