// How screens below the app call the API as the signed-in user: every REST call takes its token
// from here, so an expired one is renewed (session-controller.ts) rather than sent as stored.
import { createContext } from '@lit/context'
import type { TokenSource } from '../controllers/session-controller'

export const tokenSourceContext = createContext<TokenSource | null>(Symbol('crm-token-source'))
