// Extension frame [102][varString role]: "your role in this book is now `role`". Sent only to
// clients that asked for it (URL parameter `role=1`): once right after the relay's sync step 1,
// and again whenever the user's membership changes while connected (removal closes with 4403
// instead). An app learns of a promotion from it at once, without polling its book list. Unmodified
// y-websocket clients, and earlier clients of ours that decode strictly, never see it.
import * as encoding from 'lib0/encoding'
import { MESSAGE_TYPE } from './message-type'

export const BOOK_ROLES = ['owner', 'editor', 'viewer'] as const
export type BookRole = (typeof BOOK_ROLES)[number]

export interface RoleMessage {
  readonly type: 'role'
  readonly role: BookRole
}

export const isBookRole = (value: unknown): value is BookRole => (BOOK_ROLES as readonly unknown[]).includes(value)

export const encodeRole = (role: BookRole): Uint8Array => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_TYPE.role)
  encoding.writeVarString(encoder, role)
  return encoding.toUint8Array(encoder)
}
