// How each server under test frames the y-websocket sync protocol, so one bench client speaks to
// all three: ours and @y/websocket-server take plain y-websocket frames on /sync/<book> resp.
// /<book>; Hocuspocus multiplexes documents, prefixing every frame with the document name and
// waiting for an auth frame first.
import * as encoding from 'lib0/encoding'
import type { ServerKind } from './server-process'

/** Where a client connects: the server's kind and port, and (ours) a dev-login token. */
export interface Target {
  readonly kind: ServerKind
  readonly port: number
  readonly token?: string
}

export const MSG = { sync: 0, awareness: 1, auth: 2, hocuspocusSyncReply: 4, hocuspocusSyncStatus: 8, ack: 100 } as const
export const STEP = { step1: 0, step2: 1, update: 2 } as const

export interface Wire {
  readonly url: string
  /** Prepended to every frame in both directions (Hocuspocus: the document name). */
  readonly prefix: Uint8Array
  /** Frames to send as soon as the socket opens, before the sync step 1. */
  readonly hello: Uint8Array[]
}

const varString = (s: string): Uint8Array => {
  const e = encoding.createEncoder()
  encoding.writeVarString(e, s)
  return encoding.toUint8Array(e)
}

export const wireFor = (target: Target, book: string, opts: { ack?: boolean } = {}): Wire => {
  const base = `ws://127.0.0.1:${target.port}`
  switch (target.kind) {
    case 'ours': {
      const params = new URLSearchParams({ token: target.token ?? '' })
      if (opts.ack) params.set('ack', '1')
      return { url: `${base}/sync/${encodeURIComponent(book)}?${params}`, prefix: new Uint8Array(0), hello: [] }
    }
    case 'y-websocket-server':
    case 'forwarder':
      return { url: `${base}/${encodeURIComponent(book)}`, prefix: new Uint8Array(0), hello: [] }
    case 'hocuspocus': {
      const prefix = varString(book)
      // [doc][Auth=2][Token=0][token]: Hocuspocus queues every other frame until this arrives.
      const auth = encoding.createEncoder()
      encoding.writeUint8Array(auth, prefix)
      encoding.writeVarUint(auth, MSG.auth)
      encoding.writeVarUint(auth, 0)
      encoding.writeVarString(auth, 'bench')
      return { url: base, prefix, hello: [encoding.toUint8Array(auth)] }
    }
  }
}

/** A sync frame [prefix][0][step][varUint8Array payload]. */
export const syncFrame = (wire: Wire, step: number, payload: Uint8Array): Uint8Array => {
  const e = encoding.createEncoder()
  encoding.writeUint8Array(e, wire.prefix)
  encoding.writeVarUint(e, MSG.sync)
  encoding.writeVarUint(e, step)
  encoding.writeVarUint8Array(e, payload)
  return encoding.toUint8Array(e)
}

/** True when the frame is a sync update ([prefix][0][2]…), checked without decoding the rest. */
export const isUpdateFrame = (frame: Uint8Array, prefixLength: number): boolean =>
  frame[prefixLength] === MSG.sync && frame[prefixLength + 1] === STEP.update
