// Named WebSocket close codes of the relay (fixed interface, see shared/ARCHITECTURE.md).
// 4400-4499 are permanent by y-websocket's convention: its client stops reconnecting on them.

export const CLOSE_CODE = {
  goingAway: 1001,
  tooBig: 1009,
  /** Transient: a client too slow to read, one that sent too much before its book loaded, or tokens unverifiable for now. */
  tryAgainLater: 1013,
  malformed: 4400,
  notAuthenticated: 4401,
  notMember: 4403,
} as const

export type CloseCode = (typeof CLOSE_CODE)[keyof typeof CLOSE_CODE]

export const closeCodeName = (code: number): string =>
  (Object.entries(CLOSE_CODE).find(([, c]) => c === code)?.[0]) ?? `code-${code}`
