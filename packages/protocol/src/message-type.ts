// The first varUint of every frame. 0-3 are y-websocket's; 100+ are this project's extensions,
// sent only to clients that opted in (unmodified y-websocket clients never see them).

export const MESSAGE_TYPE = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  /** Extension: "your first N update frames are durable on the server". */
  ack: 100,
  /** Extension: a typed error about one of your frames, as JSON `{ code, message, frame? }`. */
  error: 101,
  /** Extension: your role in this book, at connect and whenever it changes (asked for with `role=1`). */
  role: 102,
} as const

export type MessageType = (typeof MESSAGE_TYPE)[keyof typeof MESSAGE_TYPE]

/** y-protocols/sync sub-types. */
export const SYNC_STEP = { step1: 0, step2: 1, update: 2 } as const
export type SyncStep = (typeof SYNC_STEP)[keyof typeof SYNC_STEP]
