// A promise with its resolve and reject at hand, for the handle's "how far opening got" promises,
// which are settled from several places (the load, the relay, the server projection).
export interface Deferred<T> {
  resolve(value: T): void
  reject(error: unknown): void
}

export const deferred = <T>(): [Promise<T>, Deferred<T>] => {
  let settle!: Deferred<T>
  const promise = new Promise<T>((resolve, reject) => (settle = { resolve, reject }))
  return [promise, settle]
}
