// Test data for the DocStore contract: fresh book ids, small and large updates, and a clock
// helper, kept apart so the contract file reads as a list of behaviours.
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { AppendEntry, StoredUpdate } from './doc-store'

export const newBookId = () => `book-${randomUUID()}`
export const bytes = (...values: number[]) => new Uint8Array(values)
export const entry = (userId: string, ...values: number[]): AppendEntry => ({ userId, update: bytes(...values) })
export const seqsOf = (updates: readonly StoredUpdate[]) => updates.map((u) => u.seq)
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

/** Deterministic pseudo-random bytes: big enough to defeat any accidental compression or truncation. */
export function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length)
  let x = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

export const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.byteLength === b.byteLength && Buffer.compare(a, b) === 0

/** Waits until the clock has passed `at`, so that later writes get a strictly later `at`. */
export async function clockPast(at: number): Promise<void> {
  while (Date.now() <= at) await sleep(2)
}
