// SocketCorks: `cork` holds a socket's writes until the turn's immediates; `write` sends a turn's
// first frame at once and corks the socket for the rest of the turn; the next turn starts afresh.
import { describe, expect, it } from 'vitest'
import { SocketCorks } from './socket-corks'
import type { RawSocket } from './socket-corks'

const recordingSocket = (log: string[], name: string): RawSocket => ({
  cork: () => void log.push(`cork ${name}`),
  uncork: () => void log.push(`uncork ${name}`),
  write: (bytes) => (log.push(`write ${name} ${bytes[0]}`), true),
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
  })

  it("writes a turn's first broadcast at once and corks the socket for the rest of the turn", async () => {
    const log: string[] = []
    const corks = new SocketCorks()
    const a = recordingSocket(log, 'a')
    corks.write(a, new Uint8Array([1]))
    corks.write(a, new Uint8Array([2]))
    corks.write(a, new Uint8Array([3]))
    expect(log).toEqual(['write a 1', 'cork a', 'write a 2', 'write a 3'])
    await immediate()
    expect(log.slice(4)).toEqual(['uncork a'])

    corks.write(a, new Uint8Array([4])) // a new turn: at once again
    await immediate()
    expect(log.slice(5)).toEqual(['write a 4'])
  })

  it('keeps a socket corked by cork() corked for broadcasts in the same turn', async () => {
    const log: string[] = []
    const corks = new SocketCorks()
    const a = recordingSocket(log, 'a')
    corks.cork(a)
    corks.write(a, new Uint8Array([1]))
    await immediate()
    expect(log).toEqual(['cork a', 'write a 1', 'uncork a'])
  })
})
