// A crafted update for tests of what happens when Yjs throws part-way through applying one.
import * as encoding from 'lib0/encoding'

/**
 * Reads as an update, but its second item names an origin of its own client that is not earlier
 * than itself: Yjs would integrate the first item, then throw (checkUpdateV1 refuses it).
 */
export function halfAppliableUpdate(): Uint8Array {
  const e = encoding.createEncoder()
  for (const n of [1, 2, 777, 0]) encoding.writeVarUint(e, n) // one client, two structs, client 777 from clock 0
  encoding.writeUint8(e, 8 | 0b100000) // any content, parent by name, with a key
  encoding.writeVarUint(e, 1)
  encoding.writeVarString(e, 'scratch')
  encoding.writeVarString(e, 'half-applied')
  encoding.writeVarUint(e, 1)
  encoding.writeUint8(e, 119)
  encoding.writeVarString(e, 'kept?')
  encoding.writeUint8(e, 4 | 0b10000000) // a string with an origin: (777, 9), not before its own clock 1
  encoding.writeVarUint(e, 777)
  encoding.writeVarUint(e, 9)
  encoding.writeVarString(e, 'x')
  encoding.writeVarUint(e, 0)
  return encoding.toUint8Array(e)
}
