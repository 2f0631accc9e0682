// What the relay writes to a socket in one turn of the event loop leaves in one write (one
// syscall): a socket is corked on its first write of the turn and uncorked, together with every
// other socket written to, when the loop reaches its immediates. One setImmediate per turn for
// the whole relay, not one (and a closure) per socket: under load a turn writes to many sockets.
import type { RawSocket } from './ws-internals'

export class SocketCorks {
  private readonly corked = new Set<RawSocket>()
  private scheduled = false

  /** Holds what is written to `socket` until this turn's immediates. */
  cork(socket: RawSocket): void {
    if (this.corked.has(socket)) return
    socket.cork()
    this.corked.add(socket)
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(this.uncorkAll)
    }
  }

  private readonly uncorkAll = (): void => {
    this.scheduled = false
    const sockets = [...this.corked]
    this.corked.clear()
    for (const socket of sockets) socket.uncork()
  }
}
