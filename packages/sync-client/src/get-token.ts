// How a handle asks the app for a token: before each connect, and again after the relay refused
// the last one (4401), saying so, since a token the app still holds as valid may be the one refused
// (it expired by the relay's clock, or its key was rotated).

export interface TokenRequest {
  /** The relay refused the last token (4401): one the app holds as still valid will not do. */
  readonly refused: boolean
}

export type GetToken = (request?: TokenRequest) => Promise<string>
