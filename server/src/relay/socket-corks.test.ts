// SocketCorks: one cork per socket per turn, everything uncorked at the turn's immediates, and a
// socket written to again in the next turn is corked again.
import { describe, expect, it } from 'vitest'
import { SocketCorks } from './socket-corks'
import type { RawSocket } from './ws-internals'

const recordingSocket = (log: string[], name: string): RawSocket => ({
  cork: () => void log.push(`cork ${name}`),
  uncork: () => void log.push(`uncork ${name}`),
  write: () => true,
})
const immediate = () => new Promise((resolve) => setImmediate(resolve))

describe('SocketCorks', () => {
  it('corks each socket once per turn and uncorks them all at its immediates', async () => {
    const log: string[] = []
    const corks = new SocketCorks()
    const a = recordingSocket(log, 'a')
    const b = recordingSocket(log, 'b')
    corks.cork(a)
    corks.cork(b)
    corks.cork(a)
    expect(log).toEqual(['cork a', 'cork b'])
    await immediate()
    expect(log).toEqual(['cork a', 'cork b', 'uncork a', 'uncork b'])

    corks.cork(a)
    await immediate()
    expect(log.slice(4)).toEqual(['cork a', 'uncork a'])
  })
})
