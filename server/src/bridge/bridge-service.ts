// The bridge as a service with start()/stop(): one worker loop that, in turn, refreshes the set
// of books, runs the full reconcile when due, pulls the CRM when due (or when a webhook asked),
// checks deletions, compares the books that changed unseen (a sleeping book's tail), and pushes
// the book changes whose debounce has run out. One loop, so no two reconciles ever race on the
// same record.
import type { Logger } from 'pino'
import type * as Y from 'yjs'
import { chunk } from './batch-runner'
import type { BookRules } from './book-assignment'
import type { BridgeBooks, BridgeBooksFactory, ChangedRecord } from './bridge-books'
import type { BridgeMetrics } from './bridge-metrics'
import { recordKey, type BridgeStateStore, type OutboxEntry } from './bridge-state-store'
import { ChangeQueue } from './change-queue'
import type { CrdtFieldClock } from './crdt-field-clock'
import type { CrmAdapter } from './crm-adapter'
import { BRIDGE_KINDS, BRIDGE_PROPERTIES, CRM_TYPE, type BridgeKind, type FieldMap } from './field-map'
import { scanBooks } from './full-reconcile'
import { KeptBookHashes } from './kept-book-hashes'
import { fullReconcilePass, pullPass, verifyDue } from './sync-passes'
import { LagTracker } from './lag-tracker'
import type { ReconcileDeps, ReconcileItem } from './reconcile-deps'
import { reconcile } from './reconciler'
import { settleOutbox } from './outbox-bookkeeping'
import { buildStatus, type SyncStatusReport } from './sync-status-report'
import { UnseenBooks } from './unseen-books'
import type { CrmWebhookEvent } from './webhook-routes'

export interface BridgeTimings {
  readonly pullIntervalMs: number
  readonly reconcileIntervalMs: number
  readonly pullOverlapMs: number
  readonly debounceMs: number
  readonly maxWaitMs: number
  readonly ackTimeoutMs: number
  readonly maxAttempts: number
  /** How often the list of books the bridge may edit is read again. */
  readonly bookRefreshMs: number
  /** Idle sleep of the worker loop; a webhook or a book change wakes it sooner. */
  readonly tickMs?: number
}

export interface BridgeServiceOptions {
  readonly crm: CrmAdapter & { stop?(): void }
  readonly state: BridgeStateStore
  /** How the bridge holds its books: the relay's rooms in its own process, or as a Yjs client. */
  readonly books: BridgeBooksFactory
  /** Books the bridge user may edit. */
  readonly listBooks: () => Promise<string[]>
  readonly clock: CrdtFieldClock
  readonly metrics: BridgeMetrics
  readonly log: Logger
  readonly map: FieldMap
  readonly rules: BookRules
  readonly portal: string
  readonly timings: BridgeTimings
  /** Extra start-up work (e.g. configuring CRM webhooks); a failure is logged, not fatal. */
  readonly setup?: () => Promise<void>
  readonly now?: () => number
}

const DELETION = /^(company|contact|deal)\.deletion$/
const KIND_OF: Record<string, BridgeKind> = { company: 'company', contact: 'contact', deal: 'deal' }

export class BridgeService {
  private readonly registry: BridgeBooks
  private readonly queue: ChangeQueue
  private readonly unseen: UnseenBooks
  private readonly hashes: KeptBookHashes
  private readonly deps: ReconcileDeps
  private readonly now: () => number
  private readonly lag = { toCrm: new LagTracker(), fromCrm: new LagTracker() }
  private readonly crmSeen = new Map<string, string | null>()
  private readonly deletions = new Map<BridgeKind, Set<string>>()
  private books = new Set<string>()
  private running: Promise<void> | null = null
  private stopping = false
  private wake: (() => void) | null = null
  private pullRequested = true
  private fullRequested = false
  private nextPullAt = 0
  private nextFullAt = 0
  private nextBooksAt = 0
  private lastConsistencyAt = 0
  private consistencyCostMs = 0
  private wakeAt: number | null = null
  private wakeTimer: NodeJS.Timeout | undefined
  private lastPullAt: number | null = null
  private lastFullAt: number | null = null
  private lastError: string | null = null
  private idle = false

  constructor(private readonly o: BridgeServiceOptions) {
    this.now = o.now ?? Date.now
    const debounce = { debounceMs: o.timings.debounceMs, maxWaitMs: o.timings.maxWaitMs }
    this.queue = new ChangeQueue(debounce)
    this.unseen = new UnseenBooks(debounce)
    this.registry = o.books({ log: o.log, onChange: (c) => this.onBookChange(c), onUnseen: (b) => this.onUnseen(b), onWoke: (b) => this.hashes.forget(b) })
    this.hashes = new KeptBookHashes({ map: o.map, peek: (b) => this.registry.peek(b), doc: (b) => this.registry.doc(b) })
    const m = o.metrics
    this.deps = {
      crm: o.crm, state: o.state, clock: o.clock, map: o.map, rules: o.rules, portal: o.portal, log: o.log, now: this.now,
      ackTimeoutMs: o.timings.ackTimeoutMs,
      books: {
        reachable: (b) => this.books.has(b),
        reachableBooks: () => [...this.books],
        doc: (b): Promise<Y.Doc> => this.registry.doc(b),
        recordHashes: (b, fresh) => this.hashes.list(b, fresh),
        write: (b, change) => this.registry.write(b, change),
        flushed: (b, ms) => this.registry.flushed(b, ms),
      },
      events: {
        lag: (direction, ms) => {
          this.lag[direction].add(ms)
          m.lag.observe({ direction }, ms / 1000)
        },
        conflict: (n) => m.conflicts.inc(n),
        echo: (n) => m.echoes.inc(n),
        error: (kind) => m.errors.inc({ kind }),
        crmSeen: (kind, id, hash) => this.crmSeen.set(recordKey(kind, id), hash),
      },
    }
  }

  async start(): Promise<void> {
    for (const type of Object.values(CRM_TYPE)) await this.o.crm.ensureProperties(type, BRIDGE_PROPERTIES[type])
    if (this.o.setup) await this.o.setup().catch((error: unknown) => this.o.log.warn({ err: error }, 'bridge set-up step failed'))
    await this.refreshBooks()
    await this.enqueue((await scanBooks(this.deps)).map((i) => ({ ...i, since: this.now() })))
    this.nextFullAt = this.now() + this.o.timings.reconcileIntervalMs
    this.running = this.loop()
    this.o.log.info({ books: [...this.books] }, 'bridge started')
  }

  async stop(): Promise<void> {
    this.stopping = true
    clearTimeout(this.wakeTimer)
    this.o.crm.stop?.()
    this.wake?.()
    await this.running?.catch(() => {})
    await this.registry.close()
  }

  /** From the webhook route: deletions are checked one by one, everything else triggers a pull. */
  onWebhook(events: readonly CrmWebhookEvent[]): void {
    let pull = false
    for (const e of events) {
      // The bridge's own writes come back as INTEGRATION changes: nothing to fetch for them.
      if (e.changeSource === 'INTEGRATION') {
        this.o.metrics.echoes.inc()
        continue
      }
      const deletion = DELETION.exec(e.subscriptionType)
      if (deletion) {
        const kind = KIND_OF[deletion[1] as string] as BridgeKind
        const set = this.deletions.get(kind) ?? new Set<string>()
        set.add(String(e.objectId))
        this.deletions.set(kind, set)
      } else pull = true
    }
    if (pull) this.pullRequested = true
    this.wake?.()
  }

  requestPull(): void {
    this.pullRequested = true
    this.wake?.()
  }

  requestFullReconcile(): void {
    this.fullRequested = true
    this.wake?.()
  }

  /** True when nothing is queued and the last loop round found nothing to do (tests wait for it). */
  get isIdle(): boolean {
    return this.idle && this.queue.size === 0 && this.unseen.size === 0 && !this.pullRequested && !this.fullRequested
  }

  async status(): Promise<SyncStatusReport> {
    return buildStatus({
      deps: this.deps, books: [...this.books], crmSeen: this.crmSeen, lag: this.lag, queued: this.queue.size,
      lastPullAt: this.lastPullAt, lastFullAt: this.lastFullAt, lastError: this.lastError, metrics: this.o.metrics,
      running: this.running !== null && !this.stopping,
    })
  }

  private onBookChange(changes: ChangedRecord[]): void {
    this.queue.mark(changes, this.now())
    this.idle = false
    this.o.metrics.queueDepth.set({ queue: 'changes' }, this.queue.size)
    this.wakeWhenDue()
  }

  /** A book changed where no document event showed it: compared whole once its changes pause (scanUnseen). */
  private onUnseen(bookId: string): void {
    this.hashes.forget(bookId)
    this.idle = false
    if (this.unseen.mark(bookId, this.now())) this.wakeWhenDue()
  }

  /** One wake-up timer, at the earliest debounce deadline of a record or a book. */
  private wakeWhenDue(): void {
    const [records, books] = [this.queue.nextDueAt(), this.unseen.nextDueAt()]
    const dueAt = records === null ? books : books === null ? records : Math.min(records, books)
    if (dueAt === null || (this.wakeAt !== null && this.wakeAt <= dueAt)) return
    clearTimeout(this.wakeTimer)
    this.wakeAt = dueAt
    this.wakeTimer = setTimeout(() => {
      this.wakeAt = null
      this.wake?.()
    }, Math.max(0, dueAt - this.now()) + 5)
    this.wakeTimer.unref()
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let busy = false
      try {
        busy = await this.round()
        this.lastError = null
      } catch (error) {
        if (this.stopping) break
        busy = true
        this.lastError = error instanceof Error ? error.message : String(error)
        this.o.metrics.errors.inc({ kind: 'round' })
        this.o.log.warn({ err: error }, 'bridge round failed; retrying')
      }
      this.idle = !busy
      if (this.stopping) break
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.o.timings.tickMs ?? 250)
        this.wake = () => {
          clearTimeout(t)
          resolve()
        }
      })
      this.wake = null
    }
  }

  /** One pass over everything that is due; returns whether it did anything. */
  private async round(): Promise<boolean> {
    let busy = false
    const now = this.now()
    // A book opened after the start-up scan (its first open failed, or the bridge was given it
    // since) holds changes no observer saw: it is compared whole, as that scan compares every book.
    if (now >= this.nextBooksAt) for (const bookId of await this.refreshBooks()) this.onUnseen(bookId)
    if (this.fullRequested || now >= this.nextFullAt) {
      this.fullRequested = false
      await this.fullReconcile()
      busy = true
    }
    if (this.pullRequested || now >= this.nextPullAt) {
      this.pullRequested = false
      busy = (await this.pull()) > 0 || busy
    }
    for (const [kind, ids] of this.deletions) {
      this.deletions.delete(kind)
      for (const part of chunk([...ids], 100)) await this.process(kind, part.map((crmId) => ({ kind, crmId })))
      busy = true
    }
    busy = (await this.scanUnseen()) || busy
    busy = (await this.push()) || busy
    await this.updateGauges(busy)
    return busy
  }

  /** Opens the books the bridge may edit that it has not opened yet; returns those it opened. */
  private async refreshBooks(): Promise<string[]> {
    this.nextBooksAt = this.now() + this.o.timings.bookRefreshMs
    const opened: string[] = []
    for (const bookId of await this.o.listBooks()) {
      if (this.books.has(bookId)) continue
      try {
        await this.registry.open(bookId)
        this.books.add(bookId)
        opened.push(bookId)
      } catch (error) {
        this.o.log.warn({ err: error, bookId }, 'bridge could not open book; will retry')
        this.nextBooksAt = this.now() + Math.min(2_000, this.o.timings.bookRefreshMs)
      }
    }
    return opened
  }

  private async pull(): Promise<number> {
    const fetched = await pullPass(this.deps, { overlapMs: this.o.timings.pullOverlapMs, metrics: this.o.metrics, process: (k, i) => this.process(k, i) })
    this.lastPullAt = this.now()
    this.nextPullAt = this.lastPullAt + this.o.timings.pullIntervalMs
    this.o.metrics.lastPull.set(this.lastPullAt / 1000)
    return fetched
  }

  private async fullReconcile(): Promise<void> {
    const started = this.now()
    const verify = await verifyDue(this.deps)
    const drifted = await fullReconcilePass(this.deps, { metrics: this.o.metrics, process: (k, i) => this.process(k, i), verify })
    await this.enqueue(drifted.map((i) => ({ ...i, since: this.now() })))
    this.lastFullAt = this.now()
    this.nextFullAt = this.lastFullAt + this.o.timings.reconcileIntervalMs
    this.o.metrics.lastFullReconcile.set(this.lastFullAt / 1000)
    this.o.metrics.lastFullReconcileDuration.set((this.lastFullAt - started) / 1000)
  }

  /**
   * Compares each due book that changed unseen with the bridge's state (waking it if it sleeps),
   * and owes the CRM whatever differs, as the start-up scan does; the push below sends it.
   */
  private async scanUnseen(): Promise<boolean> {
    const due = this.unseen.takeDue(this.now())
    for (const [i, book] of due.entries()) {
      if (!this.books.has(book.bookId)) continue
      try {
        await this.enqueue((await scanBooks(this.deps, { books: [book.bookId] })).map((r) => ({ ...r, since: book.first })))
      } catch (error) {
        // This book and those after it are compared again next round (the loop reports the error).
        for (const rest of due.slice(i)) this.unseen.mark(rest.bookId, rest.first)
        throw error
      }
    }
    return due.length > 0
  }

  /** Moves due book changes into the outbox, then works the outbox off (companies first). */
  private async push(): Promise<boolean> {
    const due = this.queue.takeDue(this.now(), 10_000)
    await this.enqueue(due.map((c) => ({ kind: c.kind, crdtId: c.crdtId, bookId: c.bookId, parentId: c.parentId, since: c.first })))
    let busy = false
    for (;;) {
      const entries = await this.o.state.listOutbox(500, this.now())
      if (entries.length === 0) break
      busy = true
      for (const kind of BRIDGE_KINDS) {
        // All of a kind at once (CRM calls are split into batches of 100 anyway): the fixed
        // costs of a reconcile are paid once per batch.
        const part = entries.filter((e) => e.kind === kind)
        if (part.length > 0) await this.process(kind, part.map((e) => ({ kind, crdtId: e.crdtId, bookId: e.bookId, since: e.enqueuedAt })), part)
      }
      if (entries.length < 500 || this.stopping) break
    }
    return busy
  }

  private async enqueue(items: ReadonlyArray<{ kind: BridgeKind; crdtId: string; bookId: string; since: number }>): Promise<void> {
    if (items.length === 0) return
    const now = this.now()
    await this.o.state.putOutbox(items.map((i) => ({
      kind: i.kind, crdtId: i.crdtId, bookId: i.bookId, enqueuedAt: i.since, attempts: 0, nextAttemptAt: now, lastError: null,
    })))
  }

  /** Reconciles one batch and keeps the outbox honest about what is still owed. */
  private async process(kind: BridgeKind, items: ReconcileItem[], owed: readonly OutboxEntry[] = []): Promise<void> {
    if (this.stopping) return
    const outcome = await reconcile(this.deps, kind, items)
    this.o.metrics.settled.inc({ kind }, outcome.settled)
    await settleOutbox({ state: this.o.state, metrics: this.o.metrics, kind, outcome, owed, maxAttempts: this.o.timings.maxAttempts, now: this.now() })
  }

  private async updateGauges(busy: boolean): Promise<void> {
    const m = this.o.metrics
    const counts = await this.o.state.counts()
    m.queueDepth.set({ queue: 'changes' }, this.queue.size)
    m.queueDepth.set({ queue: 'outbox' }, counts.outbox)
    m.deadLetters.set(counts.deadLetters)
    m.attention.set(counts.attention)
    for (const [direction, t] of Object.entries(this.lag)) {
      const f = t.figures()
      if (f.maxMs !== null) m.lagMax.set({ direction }, f.maxMs / 1000)
    }
    // The consistency figure compares every linked record: every 5 s while idle, once a minute
    // while working off a backlog (it would slow the work it reports on), and never more than
    // ~5 % of the worker's time, however many records there are.
    const every = Math.max(busy ? 60_000 : 5_000, 20 * this.consistencyCostMs)
    if (this.now() >= this.lastConsistencyAt + every) {
      const started = this.now()
      await this.status() // sets the consistency and linked-records gauges
      this.lastConsistencyAt = this.now()
      this.consistencyCostMs = this.lastConsistencyAt - started
    }
  }
}

