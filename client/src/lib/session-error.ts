// Why the app has no token to send: nobody is signed in on this device (any more), or another
// user is now (signed in from another tab while a token was being renewed), or the sign-in can
// no longer be renewed and the user has to sign in again (everything on the device stays).
export const SESSION_ERROR_CODES = ['signed-out', 'sign-in-again'] as const
export type SessionErrorCode = (typeof SESSION_ERROR_CODES)[number]

export class SessionError extends Error {
  override readonly name = 'SessionError'
  constructor(readonly code: SessionErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
  }
}

export const isSessionError = (e: unknown, code?: SessionErrorCode): e is SessionError =>
  e instanceof SessionError && (code === undefined || e.code === code)
