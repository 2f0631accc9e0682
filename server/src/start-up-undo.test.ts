// Undoing a failed start-up: the last part started stops first, and one part that cannot stop
// neither stops the others nor becomes the error.
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { StartUpUndo } from './start-up-undo'

interface LogLine {
  readonly msg: string
  readonly part: string
  readonly err: { readonly message: string }
}

const logged = () => {
  const lines: LogLine[] = []
  return { lines, log: pino({ level: 'error' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) }) }
}

describe('StartUpUndo', () => {
  it('stops the parts in reverse order, waiting for each', async () => {
    const stopped: string[] = []
    const undo = new StartUpUndo(logged().log)
    undo.push('store', () => void stopped.push('store'))
    undo.push('fan-out', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20))
      stopped.push('fan-out')
    })
    undo.push('emulator', () => void stopped.push('emulator'))
    await undo.undo()
    expect(stopped).toEqual(['emulator', 'fan-out', 'store'])
  })

  it('logs a part that fails to stop, stops the rest and resolves', async () => {
    const stopped: string[] = []
    const { lines, log } = logged()
    const undo = new StartUpUndo(log)
    const refused = new Error('still busy')
    undo.push('store', () => void stopped.push('store'))
    undo.push('bridge', () => Promise.reject(refused))
    undo.push('emulator', () => {
      throw refused
    })
    await expect(undo.undo()).resolves.toBeUndefined()
    expect(stopped).toEqual(['store'])
    expect(lines.map(({ msg, part, err }) => ({ msg, part, error: err.message }))).toEqual([
      { msg: 'could not stop a part of a failed start-up', part: 'emulator', error: 'still busy' },
      { msg: 'could not stop a part of a failed start-up', part: 'bridge', error: 'still busy' },
    ])
  })

  it('stops each part once, however often it is asked', async () => {
    let stops = 0
    const undo = new StartUpUndo(logged().log)
    undo.push('store', () => void stops++)
    await undo.undo()
    await undo.undo()
    expect(stops).toBe(1)
  })

  it('gives up after its timeout on a part that never stops, saying which, having stopped the ones after it', async () => {
    const stopped: string[] = []
    const { lines, log } = logged()
    const undo = new StartUpUndo(log)
    undo.push('store', () => new Promise<void>(() => {})) // a store that broke never closes
    undo.push('emulator', () => void stopped.push('emulator'))
    const started = Date.now()
    await undo.undo(100)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(stopped).toEqual(['emulator'])
    expect(lines).toEqual([expect.objectContaining({ msg: 'gave up stopping what a failed start-up had started', part: 'store' })])
  })
})
