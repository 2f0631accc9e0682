// What the relay writes to a socket in one turn of the event loop leaves in as few writes
// (syscalls) as possible, without delaying a lone frame:
//   - `cork` (Connection.send: sync replies, acks): held until this turn's immediates, then one write;
//   - `write` (broadcasts): the first frame of the turn goes out at once (fan-out latency); a
//     second one to the same socket in the same turn corks it, so the rest leave together.
// One setImmediate per turn for the whole relay, not one (and a closure) per socket.

/** The part of a TCP socket the corks use. */
export interface RawSocket {
  cork(): void
  uncork(): void
  write(chunk: Uint8Array): boolean
}

export class SocketCorks {
  private readonly corked = new Set<RawSocket>()
  /** Sockets written to directly in this turn. */
  private readonly written = new Set<RawSocket>()
  private scheduled = false

  /** Holds what is written to `socket` until this turn's immediates. */
  cork(socket: RawSocket): void {
    if (this.corked.has(socket)) return
    socket.cork()
    this.corked.add(socket)
    this.schedule()
  }

  /** Writes `bytes` to `socket`: at once if it is the turn's first write to it, else corked. */
  write(socket: RawSocket, bytes: Uint8Array): void {
    if (!this.corked.has(socket)) {
      if (this.written.has(socket)) this.cork(socket)
      else {
        this.written.add(socket)
        this.schedule()
      }
    }
    socket.write(bytes)
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(this.endTurn)
  }

  private readonly endTurn = (): void => {
    this.scheduled = false
    this.written.clear()
    const sockets = [...this.corked]
    this.corked.clear()
    for (const socket of sockets) socket.uncork()
  }
}
