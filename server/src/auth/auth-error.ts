// Typed authentication and authorisation failures; the HTTP layer maps them to 401/403,
// the relay to close codes 4401/4403.

export const AUTH_ERROR_CODES = ['no-token', 'bad-token', 'expired', 'not-member', 'read-only', 'not-owner', 'dev-login-off'] as const
export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number]

export class AuthError extends Error {
  override readonly name = 'AuthError'
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }

  /** 401 for "who are you?", 403 for "you may not". */
  get status(): 401 | 403 {
    return this.code === 'no-token' || this.code === 'bad-token' || this.code === 'expired' ? 401 : 403
  }
}

export const isAuthError = (e: unknown): e is AuthError => e instanceof AuthError
