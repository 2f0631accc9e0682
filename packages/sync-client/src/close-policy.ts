// What to do when the relay closes the socket, by close code (packages/protocol/README.md):
// reconnect, fetch a fresh token first, or stop and tell the user.
import { CLOSE_CODE } from '@crm-sync/protocol'
import type { SyncError } from './sync-status'

export type CloseDecision =
  | { readonly action: 'retry'; readonly error: SyncError | null }
  | { readonly action: 'refresh-token'; readonly error: SyncError }
  | { readonly action: 'stop'; readonly error: SyncError }

const withReason = (text: string, reason: string): string => (reason ? `${text} (${reason})` : text)

export const decideOnClose = (code: number, reason = ''): CloseDecision => {
  switch (code) {
    case CLOSE_CODE.notAuthenticated:
      return { action: 'refresh-token', error: { code: 'not-authenticated', message: withReason('the relay refused the token', reason) } }
    case CLOSE_CODE.notMember:
      return { action: 'stop', error: { code: 'not-member', message: withReason('not a member of this book', reason) } }
    case CLOSE_CODE.malformed:
      return { action: 'stop', error: { code: 'malformed', message: withReason('the relay found a frame malformed', reason) } }
    case CLOSE_CODE.tooBig:
      // Resending would send the same oversized step 2 again: stop, the user has to act.
      return { action: 'stop', error: { code: 'too-big', message: withReason('a change is larger than the relay accepts', reason) } }
    case 1011:
      return { action: 'retry', error: { code: 'server-error', message: withReason('the relay failed to store a change', reason) } }
    default:
      if (code >= 4400 && code < 4500) {
        return { action: 'stop', error: { code: 'refused', message: withReason(`the relay refused the connection (${code})`, reason) } }
      }
      // 1000, 1001 (going away), 1006 (network), 1013 (too slow, or too much before the book
      // loaded), 45xx: transient.
      return { action: 'retry', error: null }
  }
}
