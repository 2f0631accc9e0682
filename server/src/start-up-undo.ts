// A start-up that fails part-way must not leave behind what it had started: an open store, a
// Redis connection, a taken port. Each part pushes how to stop it as it starts; on a failure
// `undo()` stops them, the last started first, and the caller rethrows why start-up failed.
import type { Logger } from 'pino'

interface StartedPart {
  readonly name: string
  readonly stop: () => Promise<void> | void
}

export class StartUpUndo {
  private readonly parts: StartedPart[] = []

  constructor(private readonly log: Pick<Logger, 'error' | 'debug'>) {}

  /** `name` has started, or holds something open already: `stop` undoes it. */
  push(name: string, stop: () => Promise<void> | void): void {
    this.parts.push({ name, stop })
  }

  /**
   * Stops every part pushed, last first, each once. Never rejects: a part that fails to stop is
   * logged and the others are stopped still, and the caller's error (why start-up failed) is the
   * one that matters. Gives up after `timeoutMs` (a store that broke may never finish closing),
   * logging the part it was still waiting for, so that the caller can report and exit.
   */
  async undo(timeoutMs = Infinity): Promise<void> {
    let current: string | null = null
    const stopAll = async () => {
      for (const part of this.parts.splice(0).reverse()) {
        current = part.name
        this.log.debug({ part: part.name }, 'stopping a part of a failed start-up')
        try {
          await part.stop()
        } catch (err) {
          this.log.error({ err, part: part.name }, 'could not stop a part of a failed start-up')
        }
      }
      current = null
    }
    if (timeoutMs === Infinity) return stopAll()
    let timer: NodeJS.Timeout | undefined
    const gaveUp = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs)
      timer.unref()
    })
    const outcome = await Promise.race([stopAll(), gaveUp])
    clearTimeout(timer)
    if (outcome === 'timeout') {
      this.log.error({ part: current, timeoutMs }, 'gave up stopping what a failed start-up had started')
    }
  }
}
