// Test helper: asserts that a store call rejects with a StoreError of one code, and shows the
// actual error (not just "expected true") when it does not.
import { isStoreError, type StoreErrorCode } from './store-error'

export async function expectStoreError(promise: Promise<unknown>, code: StoreErrorCode): Promise<unknown> {
  const error = await promise.then(
    () => new Error(`expected a StoreError '${code}', but the call resolved`),
    (e: unknown) => e,
  )
  if (!isStoreError(error, code)) throw error
  return error
}
