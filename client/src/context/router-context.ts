// Navigation for elements deep in the tree that need to move on after an action
// (e.g. to a customer just created); links use plain <a href> and need nothing from here.
import { createContext } from '@lit/context'
import type { Route } from '../lib/routes'

export interface Navigator {
  readonly route: Route
  navigate(route: Route, opts?: { replace?: boolean }): void
}

export const routerContext = createContext<Navigator>(Symbol('crm-router'))
