// The book's link to the relay: y-websocket's unmodified WebsocketProvider, opted in to the
// acknowledgement extension (`ack=1`) and to being told the user's role (`role=1`, frame 102: at
// connect and whenever it changes), with the reconnect policy taken out of its hands:
//   - a fresh token from getToken() before every connect (the provider only re-reads `params`),
//   - reconnects with exponential backoff and jitter (y-websocket's backoff has none),
//   - 4401 -> fetch a new token and retry; 4403 / 4400 / 1009 -> stop and report (close-policy.ts).
// To that end `shouldReconnect` always answers false and the provider's own `shouldConnect` is
// cleared on every close: the provider never reconnects by itself, this class does.
import * as decoding from 'lib0/decoding'
import type { Awareness } from 'y-protocols/awareness'
import { WebsocketProvider } from 'y-websocket'
import type * as Y from 'yjs'
import { MESSAGE_TYPE, SYNC_STEP, carriesUpdate, isBookRole, type BookRole, type Message, type WireError } from '@crm-sync/protocol'
import { backoffDelay, type BackoffOptions } from './backoff'
import { decideOnClose } from './close-policy'
import { FrameLedger } from './frame-ledger'
import type { GetToken } from './get-token'
import { knownUpdateSyncHandler } from './known-update-sync-handler'
import { observedSocketClass, type SocketClass, type SocketLike } from './observed-socket'
import type { PendingLocal } from './pending-local'
import type { SyncEvent } from './sync-status-machine'
import type { SyncError } from './sync-status'
import { unrefTimer } from './unref-timer'

export interface RelayConnectionOptions {
  readonly serverUrl: string
  readonly bookId: string
  readonly doc: Y.Doc
  readonly awareness: Awareness
  readonly getToken: GetToken
  readonly WebSocket: SocketClass
  readonly backoff: BackoffOptions
  /** Consecutive 4401 closes (each after a fresh token) before giving up. */
  readonly maxAuthRetries: number
  readonly random: () => number
  readonly pending: PendingLocal
  readonly dispatch: (event: SyncEvent) => void
  /** Pending ids the relay made durable. */
  readonly acknowledged: (ids: string[]) => void
  /** Retrying stopped for good (until connect() is called again). */
  readonly stopped: (error: SyncError) => void
}

export class RelayConnection {
  private provider: WebsocketProvider | null = null
  private wanted = false
  private closed = false
  private fetchingToken = false
  /** Bumped by disconnect(): a token that arrives afterwards is not used. */
  private generation = 0
  private failures = 0
  private authFailures = 0
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private readonly ledgers = new WeakMap<object, FrameLedger>()
  private readonly malformed = new WeakSet<object>()
  /** Sockets the relay told the user is a viewer on: refused edits wait for a promotion there. */
  private readonly toldViewer = new WeakSet<object>()
  /** The socket closed on purpose to sync again (resync()): reopen at once, no error. */
  private resyncing: object | null = null

  constructor(private readonly o: RelayConnectionOptions) {}

  /** Transaction origin of updates that came from the relay. */
  isRelayOrigin(origin: unknown): boolean {
    return origin !== null && origin !== undefined && origin === this.provider
  }

  get wantsOnline(): boolean {
    return this.wanted
  }

  connect(): void {
    if (this.closed) return
    this.wanted = true
    this.clearRetry()
    if (this.fetchingToken || this.provider?.ws) return
    void this.open()
  }

  disconnect(): void {
    this.wanted = false
    this.generation++
    this.fetchingToken = false
    this.clearRetry()
    this.provider?.disconnect()
    this.o.dispatch({ type: 'disconnect' })
  }

  close(): void {
    this.disconnect()
    this.closed = true
    this.provider?.destroy()
    this.provider = null
  }

  private async open(): Promise<void> {
    const generation = this.generation
    this.fetchingToken = true
    this.o.dispatch({ type: 'connect' })
    let token: string
    try {
      // After a 4401 the app must not hand back the token just refused (renewal is its to decide).
      token = await this.o.getToken(this.authFailures > 0 ? { refused: true } : undefined)
    } catch (cause) {
      if (generation !== this.generation) return
      this.fetchingToken = false
      const message = cause instanceof Error ? cause.message : String(cause)
      return this.retryLater({ code: 'token-unavailable', message: `getToken failed: ${message}` })
    }
    if (generation !== this.generation || !this.wanted) return
    this.fetchingToken = false
    const provider = this.ensureProvider()
    provider.params = { ...provider.params, token, ack: '1' }
    provider.connect()
  }

  private ensureProvider(): WebsocketProvider {
    if (this.provider) return this.provider
    const WS = observedSocketClass(this.o.WebSocket, {
      opened: (socket) => this.ledgers.set(socket, new FrameLedger()),
      outgoing: (socket, message) => this.onOutgoing(socket, message),
      malformedIncoming: (socket) => this.malformed.add(socket),
    })
    const provider = new WebsocketProvider(this.o.serverUrl, this.o.bookId, this.o.doc, {
      connect: false,
      awareness: this.o.awareness,
      params: { ack: '1', role: '1' },
      WebSocketPolyfill: WS as unknown as typeof WebSocket,
      disableBc: true, // cross-tab sync is ours (cross-tab-channel.ts): it also works offline
      shouldReconnect: () => false,
    })
    unrefTimer((provider as unknown as { _checkInterval: unknown })._checkInterval)
    provider.messageHandlers[MESSAGE_TYPE.sync] = knownUpdateSyncHandler
    provider.messageHandlers[MESSAGE_TYPE.ack] = (_encoder, decoder, p) => {
      const frames = decoding.readVarUint(decoder)
      decoding.readVarUint(decoder) // seq: the relay's log position; nothing to do with it here
      this.onAck(p.ws, frames)
    }
    provider.messageHandlers[MESSAGE_TYPE.error] = (_encoder, decoder, p) => {
      this.onWireError(p.ws, JSON.parse(decoding.readVarString(decoder)) as WireError)
    }
    provider.messageHandlers[MESSAGE_TYPE.role] = (_encoder, decoder, p) => {
      const role = decoding.readVarString(decoder)
      if (isBookRole(role)) this.onRole(p.ws, role) // checked strictly before (observed-socket.ts)
    }
    // y-websocket only console.warns a permission-denied frame; the error frame (101) that comes
    // with it for opted-in clients is what we report, so this one is read and dropped.
    provider.messageHandlers[MESSAGE_TYPE.auth] = (_encoder, decoder) => {
      decoding.readVarUint(decoder)
      decoding.readVarString(decoder)
    }
    provider.on('status', ({ status }) => {
      if (status === 'connected') this.o.dispatch({ type: 'socket-open' })
    })
    provider.on('sync', (synced: boolean) => {
      if (!synced) return
      this.failures = 0
      this.authFailures = 0
      this.o.dispatch({ type: 'server-synced', at: Date.now() })
    })
    provider.on('connection-close', (event) => this.onClose(provider, event))
    this.provider = provider
    return provider
  }

  private onOutgoing(socket: SocketLike, message: Message): void {
    if (message.type !== 'sync' || !carriesUpdate(message)) return
    const ledger = this.ledgers.get(socket)
    if (!ledger) return
    const pending = this.o.pending
    ledger.sent(message.step === SYNC_STEP.step2 ? pending.all() : pending.carriedBy(message.payload))
  }

  private onAck(socket: unknown, frames: number): void {
    const ledger = socket ? this.ledgers.get(socket) : undefined
    if (!ledger) return
    this.o.acknowledged(ledger.acknowledge(frames))
  }

  private onRole(socket: WebSocket | null, role: BookRole): void {
    this.o.dispatch({ type: 'role', role })
    if (!socket) return
    if (role === 'viewer') return void this.toldViewer.add(socket)
    // Promoted on this socket: the edits it refused go out only in a new connection's sync step 2.
    if (this.toldViewer.has(socket) && this.o.pending.size > 0) this.resync(socket)
    this.toldViewer.delete(socket)
  }

  /** Closes the socket to connect again at once: the relay's step 1 and our step 2 carry what it lacks. */
  private resync(socket: WebSocket): void {
    this.resyncing = socket
    socket.close()
  }

  private onWireError(socket: unknown, error: WireError): void {
    if (error.code === 'read-only') {
      const ledger = socket ? this.ledgers.get(socket) : undefined
      if (ledger && error.frame !== undefined) ledger.refuse(error.frame)
      this.o.dispatch({ type: 'error', error: { code: 'read-only', message: `the relay refused a change: ${error.message}` } })
    } else if (error.code === 'store-failed') {
      this.o.dispatch({ type: 'error', error: { code: 'server-error', message: error.message } })
    } else {
      this.o.dispatch({ type: 'error', error: { code: 'malformed', message: error.message } })
    }
  }

  private onClose(provider: WebsocketProvider, event: { code: number; reason: string } | null): void {
    provider.shouldConnect = false
    const socket = provider.ws
    if (!this.wanted || this.closed) return
    if (socket && socket === this.resyncing) {
      this.resyncing = null
      this.o.dispatch({ type: 'socket-closed', retryAt: Date.now(), error: null })
      return void this.open()
    }
    if (socket && this.malformed.has(socket)) {
      return this.retryLater({ code: 'server-malformed', message: 'the relay sent a frame that does not follow the protocol' })
    }
    // null: closed on our side, i.e. y-websocket's watchdog (no message for 30 s).
    if (event === null) return this.retryLater(null)
    const decision = decideOnClose(event.code, event.reason)
    if (decision.action === 'retry') return this.retryLater(decision.error)
    if (decision.action === 'stop') return this.stop(decision.error)
    this.authFailures++
    if (this.authFailures > this.o.maxAuthRetries) return this.stop(decision.error)
    // The first refusal is usually just an expired token: retry at once with a fresh one.
    this.retryLater(decision.error, this.authFailures === 1 ? 0 : undefined)
  }

  private retryLater(error: SyncError | null, delayMs?: number): void {
    const delay = delayMs ?? backoffDelay(this.failures++, this.o.backoff, this.o.random)
    this.o.dispatch({ type: 'socket-closed', retryAt: Date.now() + delay, error })
    this.clearRetry()
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      if (this.wanted && !this.closed) void this.open()
    }, delay)
    unrefTimer(this.retryTimer)
  }

  private stop(error: SyncError): void {
    this.wanted = false
    this.clearRetry()
    this.o.dispatch({ type: 'socket-closed', retryAt: null, error })
    this.o.stopped(error)
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
  }
}
