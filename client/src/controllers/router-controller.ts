// Client-side navigation over the History API: the current route, navigate(), the back button,
// and same-origin <a href> clicks anywhere below the host (shadow roots included).
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { Navigator } from '../context/router-context'
import { parseRoute, routePath, type Route } from '../lib/routes'

export class RouterController implements ReactiveController, Navigator {
  route: Route = parseRoute(location.pathname)

  constructor(private readonly host: ReactiveControllerHost & HTMLElement, private readonly onChange: () => void) {
    host.addController(this)
  }

  hostConnected(): void {
    window.addEventListener('popstate', this.onPopState)
    this.host.addEventListener('click', this.onClick)
  }

  hostDisconnected(): void {
    window.removeEventListener('popstate', this.onPopState)
    this.host.removeEventListener('click', this.onClick)
  }

  readonly navigate = (route: Route, opts: { replace?: boolean } = {}): void => {
    const path = routePath(route)
    if (path !== location.pathname) {
      if (opts.replace) history.replaceState(null, '', path)
      else history.pushState(null, '', path)
    }
    this.set(parseRoute(path))
  }

  private set(route: Route): void {
    this.route = route
    this.onChange()
    this.host.requestUpdate()
  }

  private readonly onPopState = () => this.set(parseRoute(location.pathname))

  private readonly onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    const anchor = e.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement)
    if (!anchor || anchor.target || anchor.hasAttribute('download') || !anchor.href) return
    const url = new URL(anchor.href)
    if (url.origin !== location.origin) return
    e.preventDefault()
    this.navigate(parseRoute(url.pathname))
  }
}
