// When something the bridge saw change falls due for a push: once it has been quiet for
// `debounceMs` (about a second), or `maxWaitMs` after its first change however busy it is.

export interface PushDebounce {
  readonly debounceMs: number
  readonly maxWaitMs: number
}

/** First and latest change of something waiting. */
export interface Changed {
  readonly first: number
  readonly last: number
}

export const dueAt = (c: Changed, o: PushDebounce): number => Math.min(c.last + o.debounceMs, c.first + o.maxWaitMs)

/** The earliest `dueAt` of `waiting`, or null when nothing waits. */
export function nextDueAt(waiting: Iterable<Changed>, o: PushDebounce): number | null {
  let at: number | null = null
  for (const c of waiting) at = at === null ? dueAt(c, o) : Math.min(at, dueAt(c, o))
  return at
}
