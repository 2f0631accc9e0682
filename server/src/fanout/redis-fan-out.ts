// Fan-out between relay instances over Redis pub/sub, one channel per book.
//
// Why pub/sub and not streams: the store (SQLite/PostgreSQL) already is the ordered, durable
// log with a per-book seq, so Redis only has to make delivery fast; it never has to be
// reliable. Updates are published only after they are durable, with their seq. Each room
// tracks the contiguous seqs it applied; whatever Redis loses (restart, blip, slow subscriber)
// shows up as a gap, or is found by the periodic sweep and on every reconnect, and is read
// back from the store. Streams would add a second log to trim and keep consistent for nothing.
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import * as awarenessProtocol from 'y-protocols/awareness'
import type { Metrics } from '../metrics'
import type { Room } from '../relay/room'
import type { DocStore, StoredUpdate } from '../store/doc-store'
import type { FanOut } from './fan-out'
import { FAN_OUT_KIND, decodeFanOutMessage, encodeFanOutMessage, type FanOutMessage } from './fan-out-message'

export interface RedisFanOutOptions {
  readonly url: string
  readonly prefix: string
  readonly store: DocStore
  readonly metrics: Metrics
  readonly log: Logger
  readonly instanceId?: string
  /** How often every loaded book is checked against the store for missed entries. */
  readonly sweepIntervalMs?: number
  /** How long an out-of-order gap may wait for the missing message before reading the store. */
  readonly gapWaitMs?: number
  /**
   * Store reads a sweep (or the catch-up after Redis comes back) makes at once. Thousands of loaded
   * books read all at once would queue every other query of the instance behind them (a
   * PostgreSQL pool has 10 connections): connects and API calls would wait, or time out.
   */
  readonly sweepConcurrency?: number
  /**
   * How long a command of the publishing connection (a publish, the health check's ping) waits for
   * Redis' answer. Against a Redis that stopped answering on an open connection (a stopped process,
   * a silent network), publishes would otherwise pile up with their payloads until it comes back,
   * and every health probe leave one more ping. A publish given up on is lost as one sent while
   * Redis is down: the others catch up from the store.
   */
  readonly commandTimeoutMs?: number
}

const DEFAULTS = { sweepIntervalMs: 5_000, gapWaitMs: 150, sweepConcurrency: 4, commandTimeoutMs: 5_000 }

export class RedisFanOut implements FanOut {
  readonly origin = { fanOut: 'redis' }
  /** Its sweep and gap timers read what a room misses (catchUp). */
  readonly catchesUpGaps = true
  readonly instanceId: string
  private readonly o: RedisFanOutOptions & typeof DEFAULTS
  private readonly pub: Redis
  private readonly sub: Redis
  private readonly rooms = new Map<string, Room>()
  private readonly catchingUp = new Map<string, Promise<void>>()
  private readonly gapTimers = new Map<string, NodeJS.Timeout>()
  private sweepTimer: NodeJS.Timeout | null = null
  /** The sweep under way: the next is skipped until it ends (a slow store is not asked more). */
  private sweeping: Promise<void> | null = null
  private stopped = false
  private wasDisconnected = false
  private memberListener: ((bookId: string, userId: string) => void) | null = null

  constructor(opts: RedisFanOutOptions) {
    this.o = { ...DEFAULTS, ...opts }
    this.instanceId = opts.instanceId ?? randomUUID()
    const redisOptions = { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: (n: number) => Math.min(50 * 2 ** n, 2000) }
    this.pub = new Redis(opts.url, { ...redisOptions, commandTimeout: this.o.commandTimeoutMs })
    this.sub = new Redis(opts.url, { ...redisOptions, enableOfflineQueue: true, maxRetriesPerRequest: null })
    for (const [name, client] of [['publisher', this.pub], ['subscriber', this.sub]] as const) {
      client.on('error', (err) => this.o.log.warn({ err: err.message, client: name }, 'redis error'))
    }
    this.sub.on('close', () => (this.wasDisconnected = true))
    this.sub.on('ready', () => {
      if (!this.wasDisconnected) return
      this.wasDisconnected = false
      this.o.log.info({ books: this.rooms.size }, 'redis back: catching up every loaded book from the store')
      for (const room of this.rooms.values()) this.republishPresence(room)
      // A sweep under way may have read some books before messages were lost: a whole one after it.
      void (this.sweeping ?? Promise.resolve()).then(() => this.sweep())
    })
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.onMessage(channel.toString(), message))
  }

  get health() {
    return { name: 'redis', check: async () => void (await this.pub.ping()) }
  }

  async start(): Promise<void> {
    await Promise.all([this.pub.connect(), this.sub.connect()])
    this.sweepTimer = setInterval(() => void this.sweep(), this.o.sweepIntervalMs)
    this.sweepTimer.unref()
  }

  async stop(): Promise<void> {
    this.stopped = true // a sweep under way reads no further book
    if (this.sweepTimer) clearInterval(this.sweepTimer)
    for (const t of this.gapTimers.values()) clearTimeout(t)
    await Promise.allSettled([this.sweeping, ...this.catchingUp.values()])
    this.pub.disconnect()
    this.sub.disconnect()
  }

  attach(room: Room): void {
    this.rooms.set(room.bookId, room)
    // Whatever was appended between loading the book and subscribing is read back right after.
    this.sub.subscribe(this.channel(room.bookId)).then(
      () => this.catchUp(room),
      (err: unknown) => this.o.log.warn({ err, bookId: room.bookId }, 'subscribe failed; the sweep will catch up'),
    )
  }

  detach(room: Room): void {
    if (this.rooms.get(room.bookId) !== room) return
    this.rooms.delete(room.bookId)
    const timer = this.gapTimers.get(room.bookId)
    if (timer) clearTimeout(timer)
    this.gapTimers.delete(room.bookId)
    this.sub.unsubscribe(this.channel(room.bookId)).catch(() => {})
  }

  publishUpdate(room: Room, stored: StoredUpdate): void {
    this.publish(room.bookId, { kind: FAN_OUT_KIND.update, instance: this.instanceId, seq: stored.seq, payload: stored.update })
  }

  publishAwareness(room: Room, awarenessUpdate: Uint8Array): void {
    this.publish(room.bookId, { kind: FAN_OUT_KIND.awareness, instance: this.instanceId, seq: 0, payload: awarenessUpdate })
  }

  publishMemberChange(bookId: string, userId: string): void {
    this.publish(bookId, { kind: FAN_OUT_KIND.member, instance: this.instanceId, seq: 0, payload: new TextEncoder().encode(userId) })
  }

  followMemberChanges(listener: (bookId: string, userId: string) => void): void {
    this.memberListener = listener
  }

  private channel(bookId: string): string {
    return `${this.o.prefix}book:${bookId}`
  }

  private publish(bookId: string, m: FanOutMessage): void {
    if (this.pub.status !== 'ready') return // lost on purpose: the others catch up from the store
    this.o.metrics.crossInstanceMessages.inc({ direction: 'out' })
    this.pub.publish(this.channel(bookId), Buffer.from(encodeFanOutMessage(m))).catch(() => {})
  }

  private onMessage(channel: string, raw: Buffer): void {
    const bookId = channel.slice(`${this.o.prefix}book:`.length)
    const room = this.rooms.get(bookId)
    if (!room || room.isFailed) return
    let m: FanOutMessage
    try {
      m = decodeFanOutMessage(new Uint8Array(raw))
    } catch (err) {
      this.o.log.warn({ err, channel }, 'ignoring an undecodable fan-out message')
      return
    }
    if (m.instance === this.instanceId) return
    this.o.metrics.crossInstanceMessages.inc({ direction: 'in' })
    if (m.kind === FAN_OUT_KIND.member) return this.onMemberMessage(bookId, m.payload)
    try {
      if (m.kind === FAN_OUT_KIND.awareness) {
        awarenessProtocol.applyAwarenessUpdate(room.awareness, m.payload, this.origin)
        return
      }
      room.applyStored([{ bookId, seq: m.seq, update: m.payload, userId: '', at: 0 }])
    } catch (err) {
      this.o.log.warn({ err, bookId }, 'could not apply a fan-out message; reading the store instead')
      void this.catchUp(room)
      return
    }
    if (room.seqs.hasGap) this.scheduleGapCatchUp(room)
  }

  /** A membership changed on another instance; a payload that is no user id is logged and dropped. */
  private onMemberMessage(bookId: string, payload: Uint8Array): void {
    let userId: string
    try {
      userId = new TextDecoder('utf-8', { fatal: true }).decode(payload)
    } catch (err) {
      this.o.log.warn({ err, bookId }, 'ignoring a membership message whose user id is not UTF-8')
      return
    }
    if (userId !== '') this.memberListener?.(bookId, userId)
  }

  private scheduleGapCatchUp(room: Room): void {
    if (this.gapTimers.has(room.bookId)) return
    const timer = setTimeout(() => {
      this.gapTimers.delete(room.bookId)
      if (room.seqs.hasGap) void this.catchUp(room)
    }, this.o.gapWaitMs)
    timer.unref()
    this.gapTimers.set(room.bookId, timer)
  }

  /** Every loaded book against the store, `sweepConcurrency` at a time. Never rejects (catchUp does not). */
  private sweep(): Promise<void> {
    if (this.stopped) return Promise.resolve()
    this.sweeping ??= (async () => {
      const rooms = [...this.rooms.values()]
      let next = 0
      const worker = async () => {
        while (next < rooms.length && !this.stopped) {
          const room = rooms[next++]!
          if (this.rooms.get(room.bookId) === room) await this.catchUp(room)
        }
      }
      await Promise.all(Array.from({ length: Math.min(this.o.sweepConcurrency, rooms.length) }, worker))
    })().finally(() => (this.sweeping = null))
    return this.sweeping
  }

  /** Reads what this room has not applied from the store. One at a time per book. */
  private catchUp(room: Room): Promise<void> {
    const running = this.catchingUp.get(room.bookId)
    if (running) return running
    const job = (async () => {
      try {
        const from = room.seqs.contiguous
        const entries = await this.o.store.readSince(room.bookId, from)
        if (this.rooms.get(room.bookId) !== room || room.isFailed) return
        if (entries.length > 0 && entries[0]!.seq > from + 1) {
          // Another instance compacted and pruned what we miss: start from its snapshot.
          const loaded = await this.o.store.load(room.bookId)
          if (loaded.snapshot) room.applyStored(loaded.updates, { data: loaded.snapshot, seq: loaded.snapshotSeq })
          else room.applyStored(loaded.updates)
        } else if (entries.length > 0) {
          room.applyStored(entries)
        }
      } catch (err) {
        this.o.log.warn({ err, bookId: room.bookId }, 'catch-up from the store failed; will retry')
      } finally {
        this.catchingUp.delete(room.bookId)
      }
    })()
    this.catchingUp.set(room.bookId, job)
    return job
  }

  private republishPresence(room: Room): void {
    const present = new Set(room.presentClientIds())
    const ids = [...room.presence.owners.keys()].filter((id) => present.has(id))
    if (ids.length > 0) this.publishAwareness(room, awarenessProtocol.encodeAwarenessUpdate(room.awareness, ids))
  }
}
