// Test helper: an HTTP endpoint that records webhook deliveries and answers with scripted statuses.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { WebhookEvent } from '../webhooks/webhook-event'

export interface Delivery {
  method: string
  uri: string
  headers: IncomingHttpHeaders
  rawBody: string
  events: WebhookEvent[]
}

export interface WebhookReceiver {
  url: string
  deliveries: Delivery[]
  /** Statuses to answer with, one per delivery, then 200. */
  respondWith(statuses: number[]): void
  events(): WebhookEvent[]
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = []
  let script: number[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8')
      deliveries.push({
        method: req.method ?? '',
        uri: `http://${req.headers.host}${req.url}`,
        headers: req.headers,
        rawBody,
        events: JSON.parse(rawBody) as WebhookEvent[],
      })
      res.statusCode = script.shift() ?? 200
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hubspot/webhooks`,
    deliveries,
    respondWith: (statuses) => {
      script = [...statuses]
    },
    events: () => deliveries.flatMap((d) => d.events),
    async waitFor(predicate, timeoutMs = 5_000) {
      const until = Date.now() + timeoutMs
      while (!predicate()) {
        if (Date.now() > until) throw new Error('timed out waiting for webhook deliveries')
        await new Promise((r) => setTimeout(r, 10))
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
