// Who is calling: the verified subject of a token. Everything downstream trusts only this.

export interface Identity {
  readonly userId: string
  readonly name: string
  /** When the token that proved this identity expires, ms since the epoch (none: it does not). */
  readonly expiresAt?: number
}

/** User ids are token subjects; kept to a safe alphabet so they can appear in logs, URLs and keys. */
export const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/

export const BRIDGE_USER: Identity = { userId: 'crm-bridge', name: 'CRM bridge' }
