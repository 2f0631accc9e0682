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

  constructor(private readonly log: Pick<Logger, 'error'>) {}

  /** `name` has started, or holds something open already: `stop` undoes it. */
  push(name: string, stop: () => Promise<void> | void): void {
    this.parts.push({ name, stop })
  }

  /**
   * Stops every part pushed, last first, each once. Never rejects: a part that fails to stop is
   * logged and the others are stopped still, and the caller's error (why start-up failed) is the
   * one that matters.
   */
  async undo(): Promise<void> {
    for (const part of this.parts.splice(0).reverse()) {
      try {
        await part.stop()
      } catch (err) {
        this.log.error({ err, part: part.name }, 'could not stop a part of a failed start-up')
      }
    }
  }
}
