// Prometheus metrics of one server process, made per instance (no global registry) so tests
// can run several servers in one process.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { createBridgeMetrics } from './bridge/bridge-metrics'

export const createMetrics = (opts: { defaultMetrics?: boolean } = {}) => {
  const registry = new Registry()
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry })
  const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1]
  return {
    registry,
    connections: new Gauge({ name: 'crm_relay_connections', help: 'Open WebSocket connections', registers: [registry] }),
    connectionsClosed: new Counter({
      name: 'crm_relay_connections_closed_total',
      help: 'Closed WebSocket connections by close code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    earlyFrameBytes: new Gauge({
      name: 'crm_relay_early_frame_bytes',
      help: 'Bytes of frames held for clients whose book has not loaded yet',
      registers: [registry],
    }),
    loadedBooks: new Gauge({ name: 'crm_relay_loaded_books', help: 'Books loaded in memory', registers: [registry] }),
    dormantBooks: new Gauge({ name: 'crm_relay_dormant_books', help: 'Loaded books held encoded, without a decoded Y.Doc', registers: [registry] }),
    bookWakes: new Counter({ name: 'crm_relay_book_wakes_total', help: 'Dormant books decoded because they were used', registers: [registry] }),
    bookHibernations: new Counter({ name: 'crm_relay_book_hibernations_total', help: 'Idle books whose decoded Y.Doc was dropped', registers: [registry] }),
    dormantUpdates: new Counter({ name: 'crm_relay_dormant_updates_total', help: 'Updates a dormant big book took without being decoded (kept as its tail)', registers: [registry] }),
    unappliableUpdates: new Counter({ name: 'crm_relay_unappliable_updates_total', help: 'Stored updates Yjs threw on when a dormant book woke or a worker rebuilt a book (what it kept of each stays)', registers: [registry] }),
    dormantFolds: new Counter({ name: 'crm_relay_dormant_folds_total', help: 'Dormant books whose tail of updates a worker folded into their encoded state', registers: [registry] }),
    dormantReads: new Counter({ name: 'crm_relay_dormant_reads_total', help: 'Server-side reads of a dormant big book: on a worker thread from its bytes (worker), shared with an identical one (shared), or waking it after the worker failed (failed) or because it is read often (frequent)', labelNames: ['outcome'] as const, registers: [registry] }),
    dormantWrites: new Counter({ name: 'crm_relay_dormant_writes_total', help: 'Server-side writes to a dormant big book: made on a worker thread from its bytes (worker), or on the woken book after the worker failed (failed) or because it is written often (frequent)', labelNames: ['outcome'] as const, registers: [registry] }),
    updatesIn: new Counter({ name: 'crm_relay_updates_in_total', help: 'Document updates accepted and stored', registers: [registry] }),
    updatesRefused: new Counter({
      name: 'crm_relay_updates_refused_total',
      help: 'Document updates refused',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    bytesIn: new Counter({ name: 'crm_relay_bytes_in_total', help: 'WebSocket bytes received', registers: [registry] }),
    bytesOut: new Counter({ name: 'crm_relay_bytes_out_total', help: 'WebSocket bytes sent', registers: [registry] }),
    storeWriteSeconds: new Histogram({
      name: 'crm_store_write_seconds',
      help: 'Time to make an append durable',
      buckets: latencyBuckets,
      registers: [registry],
    }),
    ackSeconds: new Histogram({
      name: 'crm_relay_ack_seconds',
      help: 'Time from receiving an update frame to acknowledging it',
      buckets: latencyBuckets,
      registers: [registry],
    }),
    bookLoadSeconds: new Histogram({
      name: 'crm_relay_book_load_seconds',
      help: 'Time to load a book from the store into memory (successful loads)',
      buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    bookLoadFailures: new Counter({
      name: 'crm_relay_book_load_failures_total',
      help: "Loads of a book that failed, by the store's error code (timeout: the store did not answer in time)",
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    compactions: new Counter({ name: 'crm_store_compactions_total', help: 'Book log compactions', registers: [registry] }),
    snapshotsEncodedOffLoop: new Counter({
      name: 'crm_store_snapshots_encoded_off_loop_total',
      help: "Compaction snapshots of big books encoded on a worker thread instead of the event loop",
      registers: [registry],
    }),
    crossInstanceMessages: new Counter({
      name: 'crm_relay_cross_instance_messages_total',
      help: 'Messages exchanged with other relay instances',
      labelNames: ['direction'] as const,
      registers: [registry],
    }),
    /** The CRM bridge's figures (issue 6). */
    bridge: createBridgeMetrics(registry),
  }
}

export type Metrics = ReturnType<typeof createMetrics>
