// Scheduling work around the app's own: projection writes wait for an idle moment, and the long
// synchronous apply of a stored book waits until the browser could paint what the projection
// let the app render. Outside browsers (Node) both are plain macrotasks.
import { unrefTimer } from './unref-timer'

type IdleCallback = (cb: () => void, opts: { timeout: number }) => unknown
type FrameCallback = (cb: () => void) => unknown

/** Runs `fn` when the main thread is idle, at the latest after `timeoutMs`. */
export const whenIdle = (fn: () => void, timeoutMs: number): void => {
  const ric = (globalThis as { requestIdleCallback?: IdleCallback }).requestIdleCallback
  if (typeof ric === 'function') ric(fn, { timeout: timeoutMs })
  else unrefTimer(setTimeout(fn, 0))
}

/** Resolves after the next frame was painted (a task after requestAnimationFrame), or a macrotask. */
export const yieldToRenderer = (): Promise<void> =>
  new Promise((resolve) => {
    const raf = (globalThis as { requestAnimationFrame?: FrameCallback }).requestAnimationFrame
    if (typeof raf !== 'function') return void setTimeout(resolve, 0)
    // Hidden tabs get no frames: wait for one at most a few frames long.
    const fallback = setTimeout(resolve, 100)
    raf(() => {
      clearTimeout(fallback)
      setTimeout(resolve, 0)
    })
  })
