// The bridge's Prometheus figures, registered on the server's per-instance registry: how
// consistent the two sides are, how far behind each direction is, queue depth, CRM traffic,
// retries, conflicts, echoes and errors.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export function createBridgeMetrics(registry: Registry) {
  const registers = [registry]
  return {
    consistency: new Gauge({ name: 'crm_bridge_consistency_ratio', help: 'Share of linked live records whose book and CRM hashes both match the agreed state', registers }),
    linkedRecords: new Gauge({ name: 'crm_bridge_linked_records', help: 'Live records linked between books and the CRM', labelNames: ['kind'] as const, registers }),
    // A histogram, not a summary: it adds up across instances, and a summary's quantiles cost
    // every scrape ≈1 ms per label (prom-client's t-digests) and every observation ≈3 µs.
    lag: new Histogram({
      name: 'crm_bridge_sync_lag_seconds',
      help: 'Time from a change on one side to its arrival on the other',
      labelNames: ['direction'] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
      registers,
    }),
    lagMax: new Gauge({ name: 'crm_bridge_sync_lag_max_seconds', help: 'Largest recent sync lag', labelNames: ['direction'] as const, registers }),
    queueDepth: new Gauge({ name: 'crm_bridge_queue_depth', help: 'Records waiting to be synced', labelNames: ['queue'] as const, registers }),
    crmRequests: new Counter({ name: 'crm_bridge_crm_requests_total', help: 'Requests sent to the CRM', labelNames: ['kind'] as const, registers }),
    crmRetries: new Counter({ name: 'crm_bridge_crm_retries_total', help: 'CRM requests retried', labelNames: ['reason'] as const, registers }),
    errors: new Counter({ name: 'crm_bridge_errors_total', help: 'Bridge errors', labelNames: ['kind'] as const, registers }),
    conflicts: new Counter({ name: 'crm_bridge_conflicts_total', help: 'Fields changed on both sides and settled by policy', registers }),
    echoes: new Counter({ name: 'crm_bridge_echoes_suppressed_total', help: 'CRM changes recognised as the bridge\'s own writes', registers }),
    pulled: new Counter({ name: 'crm_bridge_records_pulled_total', help: 'CRM records fetched by pulls and reconciles', labelNames: ['type'] as const, registers }),
    settled: new Counter({ name: 'crm_bridge_records_settled_total', help: 'Records brought into agreement', labelNames: ['kind'] as const, registers }),
    webhooks: new Counter({ name: 'crm_bridge_webhooks_total', help: 'Webhook requests by outcome', labelNames: ['outcome'] as const, registers }),
    deadLetters: new Gauge({ name: 'crm_bridge_dead_letters', help: 'Records that failed permanently', registers }),
    attention: new Gauge({ name: 'crm_bridge_attention_records', help: 'Records held back for a person to fix', registers }),
    lastPull: new Gauge({ name: 'crm_bridge_last_pull_timestamp_seconds', help: 'End of the last incremental pull', registers }),
    lastFullReconcile: new Gauge({ name: 'crm_bridge_last_full_reconcile_timestamp_seconds', help: 'End of the last full reconcile', registers }),
    lastFullReconcileDuration: new Gauge({ name: 'crm_bridge_last_full_reconcile_duration_seconds', help: 'How long the last full reconcile took', registers }),
  }
}

export type BridgeMetrics = ReturnType<typeof createBridgeMetrics>
