// Why the app has no token to send: nobody is signed in on this device (any more), or another
// user is now (signed in from another tab while a token was being renewed).
export const SESSION_ERROR_CODES = ['signed-out'] as const
export type SessionErrorCode = (typeof SESSION_ERROR_CODES)[number]

export class SessionError extends Error {
  override readonly name = 'SessionError'
  constructor(readonly code: SessionErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
  }
}

export const isSessionError = (e: unknown, code?: SessionErrorCode): e is SessionError =>
  e instanceof SessionError && (code === undefined || e.code === code)
