// HubSpot's request signatures on webhook deliveries: v3 is base64(HMAC-SHA256(secret,
// method + uri + body + timestamp)); v1 (still sent for CRM object webhooks) is hex(SHA-256(secret + body)).
import { createHash, createHmac } from 'node:crypto'

export interface SignatureInput {
  secret: string
  method: string
  uri: string
  body: string
  /** Milliseconds since the epoch, as sent in X-HubSpot-Request-Timestamp. */
  timestamp: string
}

export function signatureV3(input: SignatureInput): string {
  return createHmac('sha256', input.secret)
    .update(`${input.method}${input.uri}${input.body}${input.timestamp}`, 'utf8')
    .digest('base64')
}

export function signatureV1(secret: string, body: string): string {
  return createHash('sha256').update(`${secret}${body}`, 'utf8').digest('hex')
}

/** The headers of one signed delivery. */
export function signedHeaders(input: SignatureInput): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'X-HubSpot-Signature-v3': signatureV3(input),
    'X-HubSpot-Request-Timestamp': input.timestamp,
    'X-HubSpot-Signature': signatureV1(input.secret, input.body),
    'X-HubSpot-Signature-Version': 'v1',
  }
}
