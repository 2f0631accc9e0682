// Public face of @crm-sync/protocol: the frames the relay and its clients exchange.
export { MESSAGE_TYPE, SYNC_STEP, type MessageType, type SyncStep } from './message-type'
export { CLOSE_CODE, closeCodeName, type CloseCode } from './close-codes'
export { ProtocolError, isProtocolError, PROTOCOL_ERROR_CODES, type ProtocolErrorCode } from './protocol-error'
export { encodeSyncStep1, encodeSyncStep2, encodeSyncStep2InPlace, encodeUpdate, carriesUpdate, type SyncMessage } from './sync-message'
export { encodeAwareness, encodeQueryAwareness, type AwarenessMessage, type QueryAwarenessMessage } from './awareness-message'
export { decodeAwarenessEntries, encodeAwarenessEntries, type AwarenessEntry } from './awareness-entries'
export { encodePermissionDenied, AUTH_KIND, type AuthMessage } from './auth-message'
export { encodeAck, type AckMessage } from './ack-message'
export { encodeError, WIRE_ERROR_CODES, type WireError, type WireErrorCode, type ErrorMessage } from './error-message'
export { decodeMessage, validateSyncPayload, isEmptyUpdate, type Message } from './decode-message'
export { checkUpdateV1, UpdateFormatError } from './check-update'
export { BOOK_STATE_VECTOR_HEADER, encodeStateVectorHeader, decodeStateVectorHeader } from './book-state-vector-header'
export { UpdateWalker } from './update-walker'
export { UpdateIndex, type UpdateIndexParts } from './update-index'
export { decodeIndexParts, encodeIndexParts, IndexBytesError } from './update-index-bytes'
export {
  readUpdateStructs, gatherStructs, UpdateStructs, STRUCT_KIND, CONTENT_REF, TYPE_REF, NO_CLIENT, type StructKind,
} from './update-structs'
