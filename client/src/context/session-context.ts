// The signed-in user (or null), shared with every element of the app.
import { createContext } from '@lit/context'
import type { Session } from '../lib/session-store'

export const sessionContext = createContext<Session | null>(Symbol('crm-session'))
