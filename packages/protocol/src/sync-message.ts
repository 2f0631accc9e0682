// y-protocols sync messages as y-websocket frames them: [0][step][varUint8Array payload].
// Step 1 carries a state vector; step 2 and update carry a Yjs v1 update.
import { frameInPlace, frameOf } from './frame-bytes'
import { MESSAGE_TYPE, SYNC_STEP, type SyncStep } from './message-type'

export interface SyncMessage {
  readonly type: 'sync'
  readonly step: SyncStep
  /** State vector for step 1, Yjs update for step 2 and update. */
  readonly payload: Uint8Array
}

const encodeSync = (step: SyncStep, payload: Uint8Array): Uint8Array => frameOf([MESSAGE_TYPE.sync, step], payload)

export const encodeSyncStep1 = (stateVector: Uint8Array): Uint8Array => encodeSync(SYNC_STEP.step1, stateVector)
export const encodeSyncStep2 = (update: Uint8Array): Uint8Array => encodeSync(SYNC_STEP.step2, update)
export const encodeUpdate = (update: Uint8Array): Uint8Array => encodeSync(SYNC_STEP.update, update)

/**
 * Sync step 2 around `update` without copying it (see frameInPlace: the `headRoom` bytes before
 * it in its buffer must be free); null when they are too few, and `encodeSyncStep2` copies then.
 */
export const encodeSyncStep2InPlace = (update: Uint8Array, headRoom: number): Uint8Array | null =>
  frameInPlace([MESSAGE_TYPE.sync, SYNC_STEP.step2], update, headRoom)

/** True for the frames that carry document changes (the ones the relay stores and acknowledges). */
export const carriesUpdate = (m: SyncMessage): boolean => m.step === SYNC_STEP.step2 || m.step === SYNC_STEP.update
