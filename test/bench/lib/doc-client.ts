// A y-websocket-protocol client with a real Y.Doc, for the scenarios that need document content
// (writers, reconnect, cold sync). One implementation for every server under test (see wire.ts),
// so differences in the results come from the servers. It speaks sync only, no awareness.
import type { Socket } from 'node:net'
import * as decoding from 'lib0/decoding'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { MSG, STEP, syncFrame, wireFor, type Target, type Wire } from './wire'

export interface DocClientOptions {
  readonly target: Target
  readonly book: string
  /** Reuse a document (reconnect after offline edits); a fresh one otherwise. */
  readonly doc?: Y.Doc
  /** Ours: opt in to durable acknowledgements (ack=1). */
  readonly ack?: boolean
  /** Called with the count of update frames acknowledged so far (ours: durable; Hocuspocus: applied). */
  readonly onAck?: (frames: number) => void
  /**
   * false: nothing from others is applied, the sync step 2 included (load writers that must stay
   * cheap: sixteen copies of a 10,000-customer book would be ≈5 GB). Default true.
   */
  readonly applyRemote?: boolean
}

export class DocClient {
  readonly doc: Y.Doc
  /** Update-carrying frames sent (sync step 2 and update), as the relay numbers them. */
  framesSent = 0
  framesAcked = 0
  /** performance.now() of the last frame received. */
  lastFrameAt = 0
  /** When the first sync step 2 arrived, and how long applying it took (cold-sync breakdown). */
  firstStep2At = 0
  firstStep2ApplyMs = 0
  readonly synced: Promise<void>
  private markSynced!: () => void
  private step2Waiters: (() => void)[] = []
  private readonly wire: Wire
  private readonly ws: WebSocket
  private socket: Socket | null = null

  private constructor(private readonly o: DocClientOptions) {
    this.doc = o.doc ?? new Y.Doc()
    this.wire = wireFor(o.target, o.book, { ack: o.ack ?? false })
    this.synced = new Promise((resolve) => (this.markSynced = resolve))
    this.ws = new WebSocket(this.wire.url, { perMessageDeflate: false })
    this.ws.binaryType = 'nodebuffer'
    this.ws.on('message', (data: Buffer) => this.onFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)))
    this.doc.on('update', this.onLocalUpdate)
  }

  /** Opens the socket and starts the sync handshake; await `synced` for the document. */
  static async connect(o: DocClientOptions): Promise<DocClient> {
    const client = new DocClient(o)
    await new Promise<void>((resolve, reject) => {
      client.ws.once('open', () => resolve())
      client.ws.once('error', reject)
    })
    client.socket = (client.ws as unknown as { _socket: Socket })._socket
    for (const frame of client.wire.hello) client.ws.send(frame)
    client.ws.send(syncFrame(client.wire, STEP.step1, Y.encodeStateVector(client.doc)))
    return client
  }

  /** Bytes on the TCP connection so far, HTTP upgrade and WebSocket framing included. */
  bytes(): { in: number; out: number } {
    return { in: this.socket?.bytesRead ?? 0, out: this.socket?.bytesWritten ?? 0 }
  }

  /** Sends an already encoded Yjs update as a sync update frame (for pre-generated load). */
  sendUpdate(update: Uint8Array): number {
    this.ws.send(syncFrame(this.wire, STEP.update, update))
    return ++this.framesSent
  }

  /**
   * Sends a sync step 1 and resolves with the server's step 2: every frame sent before has then
   * been processed (servers handle a connection's frames in order). For servers without acks.
   */
  roundTrip(): Promise<void> {
    const answered = new Promise<void>((resolve) => this.step2Waiters.push(resolve))
    this.ws.send(syncFrame(this.wire, STEP.step1, Y.encodeStateVector(this.doc)))
    return answered
  }

  async waitAcked(frames: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.framesAcked < frames) {
      if (Date.now() > deadline) throw new Error(`only ${this.framesAcked} of ${frames} frames acknowledged`)
      await new Promise((r) => setTimeout(r, 5))
    }
  }

  /** Closes the socket and waits until it is closed; the document stays usable. */
  async close(): Promise<void> {
    this.doc.off('update', this.onLocalUpdate)
    if (this.ws.readyState === WebSocket.CLOSED) return
    const closed = new Promise<void>((resolve) => this.ws.once('close', () => resolve()))
    this.ws.close()
    await closed
  }

  private readonly onLocalUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this || this.ws.readyState !== WebSocket.OPEN) return
    this.sendUpdate(update)
  }

  /** Resolves once no frame has arrived for `ms` (stray awareness or acks have landed). */
  async waitQuiet(ms: number): Promise<void> {
    while (performance.now() - this.lastFrameAt < ms) await new Promise((r) => setTimeout(r, ms / 4))
  }

  private onFrame(frame: Uint8Array): void {
    this.lastFrameAt = performance.now()
    const d = decoding.createDecoder(frame)
    d.pos = this.wire.prefix.length
    const type = decoding.readVarUint(d)
    if (type === MSG.sync || type === MSG.hocuspocusSyncReply) {
      const step = decoding.readVarUint(d)
      const payload = decoding.readVarUint8Array(d)
      if (step === STEP.step1) {
        this.ws.send(syncFrame(this.wire, STEP.step2, Y.encodeStateAsUpdate(this.doc, payload)))
        this.framesSent++
      } else {
        const first = step === STEP.step2 && this.firstStep2At === 0
        if (first) this.firstStep2At = this.lastFrameAt
        if (this.o.applyRemote !== false) Y.applyUpdate(this.doc, payload, this)
        if (first) this.firstStep2ApplyMs = performance.now() - this.firstStep2At
        if (step === STEP.step2) {
          this.markSynced()
          this.step2Waiters.shift()?.()
        }
      }
    } else if (type === MSG.ack) {
      this.framesAcked = decoding.readVarUint(d)
      this.o.onAck?.(this.framesAcked)
    } else if (type === MSG.hocuspocusSyncStatus && this.o.target.kind === 'hocuspocus') {
      if (decoding.readVarUint(d) === 1) {
        this.framesAcked++
        this.o.onAck?.(this.framesAcked)
      }
    }
  }
}
