// Presence in one book: made on first use, every change reported once, encoded, with its origin;
// made again after destroy.
import { describe, expect, it } from 'vitest'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { RoomPresence } from './room-presence'

/** What a listener heard: the client ids in each change and its origin. */
const recorder = () => {
  const heard: { clientIds: number[]; origin: unknown }[] = []
  const listener = {
    presenceChanged(update: Uint8Array, origin: unknown) {
      const probe = new awarenessProtocol.Awareness(new Y.Doc())
      awarenessProtocol.applyAwarenessUpdate(probe, update, 'probe')
      heard.push({ clientIds: [...probe.meta.keys()].filter((id) => id !== probe.clientID), origin })
      probe.destroy()
    },
  }
  return { heard, listener }
}

const someone = (name: string) => {
  const awareness = new awarenessProtocol.Awareness(new Y.Doc())
  awareness.setLocalStateField('user', { name })
  return awareness
}

describe('RoomPresence', () => {
  it('lists nobody and reports nothing before anyone’s presence arrives', () => {
    const { heard, listener } = recorder()
    const presence = new RoomPresence(listener)
    expect(presence.clientIds()).toEqual([])
    presence.owners.set(7, listener)
    expect(presence.clientIds()).toEqual([])
    expect(heard).toEqual([])
    presence.destroy()
  })

  it('reports each change with its origin, and starts over after destroy', () => {
    const { heard, listener } = recorder()
    const presence = new RoomPresence(listener)
    const ada = someone('Ada')
    const origin = { connection: 1 }
    awarenessProtocol.applyAwarenessUpdate(presence.awareness, awarenessProtocol.encodeAwarenessUpdate(ada, [ada.clientID]), origin)
    expect(presence.clientIds()).toEqual([ada.clientID])
    expect(heard).toEqual([{ clientIds: [ada.clientID], origin }])

    presence.destroy()
    expect(presence.clientIds()).toEqual([])
    const bo = someone('Bo')
    awarenessProtocol.applyAwarenessUpdate(presence.awareness, awarenessProtocol.encodeAwarenessUpdate(bo, [bo.clientID]), 'fan-out')
    expect(presence.clientIds()).toEqual([bo.clientID])
    expect(heard.at(-1)).toEqual({ clientIds: [bo.clientID], origin: 'fan-out' })
    presence.destroy()
    ada.destroy()
    bo.destroy()
  })
})
