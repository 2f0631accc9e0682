// y-websocket's handler of sync messages, with one change: the updates the relay sends (the whole
// book in a first sync step 2) are applied by applyKnownUpdates, so the book's listeners store and
// forward the bytes that arrived instead of Yjs encoding them again. Otherwise as y-protocols'
// readSyncMessage: step 1 is answered with step 2, an update Yjs throws on is logged and dropped.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { MESSAGE_TYPE, SYNC_STEP } from '@crm-sync/protocol'
import * as syncProtocol from 'y-protocols/sync'
import type { WebsocketProvider } from 'y-websocket'
import { applyKnownUpdates } from './apply-known-updates'

type MessageHandler = WebsocketProvider['messageHandlers'][number]

export const knownUpdateSyncHandler: MessageHandler = (encoder, decoder, provider, emitSynced) => {
  encoding.writeVarUint(encoder, MESSAGE_TYPE.sync)
  const step = decoding.readVarUint(decoder)
  if (step === SYNC_STEP.step1) {
    syncProtocol.readSyncStep1(decoder, encoder, provider.doc)
    return
  }
  if (step !== SYNC_STEP.step2 && step !== SYNC_STEP.update) throw new Error('Unknown message type')
  const update = decoding.readVarUint8Array(decoder)
  try {
    applyKnownUpdates(provider.doc, [update], provider)
  } catch (error) {
    // As y-protocols does: the relay checks what it relays, so this is a bug to see, not to stop on.
    console.error('Caught error while handling a Yjs update', error)
  }
  if (emitSynced && step === SYNC_STEP.step2 && !provider.synced) provider.synced = true
}
