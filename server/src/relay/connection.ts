// One client WebSocket on one book. Frames that arrive before the book has loaded wait in a
// queue bounded in frames and in bytes (early-frame-budget.ts); afterwards each frame is handled
// in order:
//
//   sync step 1      -> answer with step 2 (what the client lacks)
//   step 2 / update  -> validate, refuse for viewers, apply + broadcast, ack once durable
//   awareness        -> stamp identity, apply, broadcast
//   query-awareness  -> answer with every known presence
//   anything else    -> close 4400
import type { Logger } from 'pino'
import * as awarenessProtocol from 'y-protocols/awareness'
import {
  CLOSE_CODE, SYNC_STEP, decodeAwarenessEntries, decodeMessage, encodeAck, encodeAwareness, encodeAwarenessEntries,
  encodeError, encodePermissionDenied, encodeRole, isEmptyUpdate, isProtocolError,
  validateSyncPayload, type Message,
} from '@crm-sync/protocol'
import type { Identity } from '../auth/identity'
import type { Metrics } from '../metrics'
import type { Role } from '../store/book-directory'
import type { BroadcastFrame } from './broadcast-frame'
import { stampPresence } from './presence'
import type { Room, RoomPeer } from './room'
import { PendingAcks, type AckTarget } from './pending-acks'
import type { SocketCorks } from './socket-corks'
import type { DurableWatcher } from './room-appends'
import type { EarlyFrameBudget } from './early-frame-budget'
import type { RoomLease } from './room-registry'
import { READY_STATE, type ServerWebSocket } from '../websocket/server-websocket'

/** Protocol extensions a client asked for in its URL, as bit flags (one number per connection). */
export const EXTENSION = {
  /** `ack=1`: acknowledgements (100) and typed errors (101). */
  ack: 1,
  /** `role=1`: the user's role in the book (102), at connect and whenever it changes. */
  role: 2,
} as const

/** The extension flags a sync URL asks for. */
export const extensionsOf = (params: URLSearchParams): number =>
  (params.get('ack') === '1' ? EXTENSION.ack : 0) | (params.get('role') === '1' ? EXTENSION.role : 0)

/** What every connection of a relay shares: one object, not a copy per connection. */
export interface ConnectionSettings {
  readonly metrics: Metrics
  readonly log: Logger
  readonly maxQueuedFrames: number
  /** Bytes of early frames: per connection and for the whole relay. */
  readonly earlyFrames: EarlyFrameBudget
  readonly maxBufferedBytes: number
  /** The relay's corks: what a turn writes to this socket leaves in one syscall. */
  readonly corks: SocketCorks
}

export class Connection implements RoomPeer, DurableWatcher, AckTarget {
  identity: Identity | null = null
  role: Role | null = null
  private room: Room | null = null
  /** Frames that arrived before the book loaded; null once attached (or before the first). */
  private queue: Uint8Array[] | null = null
  /** Bytes in `queue`, taken from the relay's early frame budget. */
  private queuedBytes = 0
  private closed = false
  private paused = false
  private updateFrames = 0
  private ackedFrames = 0
  private ackSent = 0
  private ackScheduled = false
  /** Update frames not yet acknowledged: each waits for the room's appends to reach a number. */
  private unacked: PendingAcks | null = null // made by the first frame that has to wait
  /** Awareness client ids this connection speaks for; made with its first presence. */
  private ownedClientIds: Set<number> | null = null
  private lease: RoomLease | null = null

  /**
   * @param extensions the protocol extensions the client opted in to (EXTENSION flags)
   */
  constructor(
    private readonly ws: ServerWebSocket,
    readonly bookId: string,
    private readonly extensions: number,
    private readonly o: ConnectionSettings,
  ) {
    // The relay passes this socket's messages to `receive` (one set of handlers for all sockets).
  }

  private get wantsAck(): boolean {
    return (this.extensions & EXTENSION.ack) !== 0
  }

  private get wantsRole(): boolean {
    return (this.extensions & EXTENSION.role) !== 0
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** Binds the connection to its loaded book: greet the client, then handle what it already sent. */
  attach(lease: RoomLease, identity: Identity, role: Role): void {
    if (this.closed) return lease.release()
    const room = lease.room
    this.lease = lease
    this.room = room
    this.identity = identity
    this.role = role
    room.peers.add(this)
    this.send(room.syncStep1())
    if (this.wantsRole) this.send(encodeRole(role))
    const states = room.presentClientIds()
    if (states.length > 0) this.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(room.awareness, states)))
    const queued = this.dropQueue()
    for (const frame of queued) if (!this.closed) this.handle(frame)
  }

  /**
   * The user's membership of the book changed while connected: a new role applies from the next
   * frame (a viewer's updates are refused); null (removed) closes the connection with 4403. Made a
   * viewer, the client is told at once (a read-only error without a frame, as the refusal of a
   * write says it), so an app can stop offering edits before the user makes one. A client that
   * asked for roles (`role=1`) is told every new role, a promotion too.
   */
  applyRole(role: Role | null): void {
    if (this.closed || this.identity === null) return
    if (role === null) return this.close(CLOSE_CODE.notMember, 'no longer a member of this book')
    const demoted = role === 'viewer' && this.role !== 'viewer'
    if (role !== this.role && this.wantsRole) this.send(encodeRole(role))
    this.role = role
    if (!demoted) return
    this.send(encodePermissionDenied('read-only: you are a viewer of this book now'))
    if (this.wantsAck) this.send(encodeError({ code: 'read-only', message: 'you are a viewer of this book now' }))
  }

  send(frame: Uint8Array): void {
    if (!this.writable()) return
    this.o.metrics.bytesOut.inc(frame.length)
    this.o.corks.cork(this.ws.socket)
    this.ws.send(frame)
  }

  /** A room broadcast: the frame built once for all readers goes straight to the socket. */
  deliver(frame: BroadcastFrame): void {
    if (!this.writable()) return
    this.o.metrics.bytesOut.inc(frame.payload.length)
    this.o.corks.write(this.ws.socket, frame.wire)
  }

  /** Open and keeping up; a client that lets too much pile up is dropped (it resyncs on reconnect). */
  private writable(): boolean {
    const ws = this.ws
    if (this.closed || ws.readyState !== READY_STATE.open) return false
    if (ws.bufferedAmount > this.o.maxBufferedBytes) {
      this.o.log.warn({ bookId: this.bookId, userId: this.identity?.userId }, 'client too slow to read; dropping it')
      this.close(CLOSE_CODE.tryAgainLater, 'too slow, reconnect')
      ws.terminate()
      return false
    }
    return true
  }

  close(code: number, reason: string): void {
    if (this.closed) return
    this.closed = true
    this.o.metrics.connectionsClosed.inc({ code: String(code) })
    this.ws.close(code, reason)
    this.detach()
  }

  /** Gives the room back to the registry (the socket is gone). */
  releaseRoom(): void {
    this.lease?.release()
    this.lease = null
  }

  /** Called when the socket is gone, however it went. */
  detach(): void {
    this.closed = true
    this.dropQueue()
    const room = this.room
    if (!room) return
    this.room = null
    room.peers.delete(this)
    room.unwatchDurable(this)
    this.unacked = null
    const owners = room.presence.owners
    const owned = this.ownedClientIds ?? []
    for (const id of owned) if (owners.get(id) === this) owners.delete(id)
    const present = new Set(room.presentClientIds())
    const mine = [...owned].filter((id) => present.has(id))
    if (mine.length > 0) awarenessProtocol.removeAwarenessStates(room.awareness, mine, 'connection closed')
  }

  /** Ignores frames from now on (shutdown): they are not acknowledged, so the client resends them. */
  pause(): void {
    this.paused = true
  }

  /** A frame from this connection's socket. */
  receive(data: Buffer, isBinary: boolean): void {
    if (this.closed || this.paused) return
    const frame = toBytes(data)
    this.o.metrics.bytesIn.inc(frame.length)
    if (!isBinary) return this.reject('text frames are not part of the protocol')
    if (!this.room) return this.enqueue(frame)
    this.handle(frame)
  }

  /**
   * Keeps a frame until the book has loaded. Past a limit the client is told to come back later
   * (1013): it did nothing wrong, and once the book is loaded its frames are handled as they come.
   */
  private enqueue(frame: Uint8Array): void {
    const queue = (this.queue ??= [])
    if (queue.length >= this.o.maxQueuedFrames) return this.refuseEarly(`more than ${this.o.maxQueuedFrames} frames before the book loaded`)
    const refused = this.o.earlyFrames.take(this.queuedBytes, frame.length)
    if (refused === 'connection') return this.refuseEarly(`more than ${this.o.earlyFrames.perConnectionBytes} bytes before the book loaded`)
    if (refused === 'relay') return this.refuseEarly('the relay holds too much from clients whose books are loading')
    this.queuedBytes += frame.length
    // A copy: the frame is a view of the whole TCP read it came in, which it would keep alive.
    queue.push(frame.slice())
  }

  /** Empties the queue and gives its bytes back to the budget. */
  private dropQueue(): Uint8Array[] {
    const queued = this.queue ?? []
    this.queue = null
    this.o.earlyFrames.give(this.queuedBytes)
    this.queuedBytes = 0
    return queued
  }

  private refuseEarly(reason: string): void {
    this.o.log.warn({ bookId: this.bookId, reason }, 'too much sent before the book loaded; closing connection')
    this.close(CLOSE_CODE.tryAgainLater, reason)
  }

  private handle(frame: Uint8Array): void {
    let message: Message
    try {
      message = decodeMessage(frame)
      if (message.type === 'sync') validateSyncPayload(message)
    } catch (e) {
      return this.reject(isProtocolError(e) ? `${e.code}: ${e.message}` : 'undecodable frame', e)
    }
    const room = this.room
    try {
      this.dispatch(message)
    } catch (e) {
      this.reject(isProtocolError(e) ? `${e.code}: ${e.message}` : 'frame could not be applied', e)
      // Applying the frame failed part-way (Yjs, or an observer in this process): the sender is
      // closed first (4400), then everyone else is sent to a freshly loaded copy of the book
      // (1011, as after a store failure).
      if (room?.isTainted) room.discard(e)
    }
  }

  private dispatch(message: Message): void {
    const room = this.room!
    switch (message.type) {
      case 'sync':
        if (message.step === SYNC_STEP.step1) {
          // An empty state vector asks for everything: served from the room's cached encoding.
          for (const frame of room.syncReply(message.payload)) this.send(frame)
        } else {
          this.receiveUpdate(room, message.payload)
        }
        return
      case 'awareness': {
        const stamped = stampPresence(decodeAwarenessEntries(message.update), this.identity!, this, (this.ownedClientIds ??= new Set()), room.presence)
        if (stamped.length > 0) awarenessProtocol.applyAwarenessUpdate(room.awareness, encodeAwarenessEntries(stamped), this)
        return
      }
      case 'query-awareness': {
        const ids = room.presentClientIds()
        this.send(encodeAwareness(ids.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(room.awareness, ids) : encodeAwarenessEntries([])))
        return
      }
      default:
        this.reject(`clients may not send ${message.type} messages`)
    }
  }

  private receiveUpdate(room: Room, update: Uint8Array): void {
    const frame = ++this.updateFrames
    const received = performance.now()
    if (this.role === 'viewer' && !isEmptyUpdate(update)) {
      this.o.metrics.updatesRefused.inc({ reason: 'read-only' })
      this.send(encodePermissionDenied('read-only: viewers of this book cannot change it'))
      if (this.wantsAck) this.send(encodeError({ code: 'read-only', message: 'viewers of this book cannot change it', frame }))
      return this.ackWhenDurable(room, frame, received, 0)
    }
    // An empty update waits for the appends in flight: they may hold what this frame's sender sees
    // as "already on the server" (its sync step 2 was computed against the document).
    const upTo = isEmptyUpdate(update) ? room.latestAppend : room.applyRemote(update, this.identity!.userId, this)
    this.ackWhenDurable(room, frame, received, upTo)
  }

  /** Acks are cumulative and in frame order: `frame` is acked once the room's appends reach `upTo`. */
  private ackWhenDurable(room: Room, frame: number, received: number, upTo: number): void {
    if (!this.unacked || this.unacked.isEmpty) {
      if (upTo <= room.durableThrough) return this.acked(frame, received)
      room.watchDurable(this)
    }
    ;(this.unacked ??= new PendingAcks()).push(frame, upTo, received)
  }

  /** The room's appends are durable through `appended`: acks what waited for it. */
  durableThrough(appended: number): boolean {
    if (this.closed) return false
    if (!this.unacked) return false
    this.unacked.release(appended, this)
    return !this.unacked.isEmpty
  }

  /** `frame` (and every frame before it) is durable: ack it soon (acks are coalesced per task). */
  acked(frame: number, received: number): void {
    this.ackedFrames = frame
    this.o.metrics.ackSeconds.observe((performance.now() - received) / 1000)
    if (this.wantsAck && !this.ackScheduled) {
      this.ackScheduled = true
      queueMicrotask(() => this.flushAck())
    }
  }

  private flushAck(): void {
    this.ackScheduled = false
    if (this.ackedFrames === this.ackSent || !this.room) return
    this.ackSent = this.ackedFrames
    this.send(encodeAck(this.ackedFrames, this.room.headSeq))
  }

  private reject(reason: string, cause?: unknown): void {
    this.o.log.warn({ bookId: this.bookId, userId: this.identity?.userId, reason, err: cause }, 'malformed frame; closing connection')
    this.o.metrics.updatesRefused.inc({ reason: 'malformed' })
    this.close(CLOSE_CODE.malformed, reason)
  }
}

/** A plain Uint8Array view: what the room stores and Yjs reads need no Buffer semantics. */
const toBytes = (data: Buffer): Uint8Array => new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
