// Test kit: a relay log as several devices would leave it after editing one book at random, in
// the book layout (customers, addresses, notes, tags, contacts, deals), with what makes logs hard
// to read: concurrent writes to one key, customers deleted while others edit them, devices that
// sync with each other before the relay sees their edits (updates that must wait for another's),
// updates logged out of order, whole states re-sent after a reconnect, and devices that come
// back with a new Yjs client id. The tests of the field clock's reader replay it.
import { seededRandom, type Random } from '@crm-sync/model'
import * as Y from 'yjs'

export interface LoggedUpdate {
  readonly update: Uint8Array
  readonly by: string
}

export interface RandomBookLog {
  readonly entries: LoggedUpdate[]
  readonly customerIds: string[]
  readonly contactIds: string[]
  readonly dealIds: string[]
}

const CUSTOMERS = ['c1', 'c2', 'c3', 'c4']
const CHILDREN = ['k1', 'k2', 'k3']
const FIELDS = ['name', 'status', 'email', 'phone', 'industry', 'ownerId', 'archived']
const ADDRESS = ['street', 'city', 'region', 'postalCode', 'country']
const CONTACT_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'title']

interface Device {
  readonly user: string
  doc: Y.Doc
  /** Local updates not yet in the log, oldest first. */
  readonly outbox: Uint8Array[]
}

const REMOTE = 'remote'

const newDoc = (r: Random, used: Set<number>, from?: Y.Doc): Y.Doc => {
  const doc = new Y.Doc()
  // Small random ids (never one used before), so which device wins a concurrent write varies.
  do doc.clientID = r.int(1, 200)
  while (used.has(doc.clientID))
  used.add(doc.clientID)
  if (from) Y.applyUpdate(doc, Y.encodeStateAsUpdate(from), REMOTE)
  return doc
}

const watch = (device: Device) => {
  device.doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== REMOTE) device.outbox.push(update)
  })
}

const customerMap = (doc: Y.Doc, r: Random): Y.Map<unknown> | null => {
  const id = r.pick(CUSTOMERS)
  const c = doc.getMap('customers').get(id)
  return c instanceof Y.Map ? (c as Y.Map<unknown>) : null
}

const newCustomer = (r: Random, id: string): Y.Map<unknown> => {
  const c = new Y.Map<unknown>()
  c.set('id', id)
  c.set('name', `Customer ${r.int(1, 99)}`)
  c.set('status', 'lead')
  const address = new Y.Map<unknown>()
  for (const k of ADDRESS) if (r.chance(0.6)) address.set(k, `${k} ${r.int(1, 9)}`)
  c.set('address', address)
  const notes = new Y.Text()
  notes.insert(0, r.chance(0.5) ? 'first call went well' : '')
  c.set('notes', notes)
  c.set('tags', Y.Array.from(r.chance(0.5) ? ['vip'] : []))
  c.set('contacts', new Y.Map())
  c.set('deals', new Y.Map())
  c.set('activities', new Y.Array())
  return c
}

const child = (r: Random, kind: 'contacts' | 'deals'): Y.Map<unknown> => {
  const m = new Y.Map<unknown>()
  m.set('id', r.pick(CHILDREN))
  for (const f of kind === 'contacts' ? CONTACT_FIELDS : ['name', 'amount', 'stage']) if (r.chance(0.7)) m.set(f, `${f} ${r.int(1, 9)}`)
  return m
}

/** One random edit, as a user of the app (or a careless Yjs program) might make it. */
const edit = (doc: Y.Doc, r: Random): void => {
  const customers = doc.getMap('customers')
  const c = customerMap(doc, r)
  const op = r.int(0, 14)
  if (op === 0 || !c) {
    customers.set(r.pick(CUSTOMERS), newCustomer(r, r.pick(CUSTOMERS)))
    return
  }
  const children = (kind: 'contacts' | 'deals') => c.get(kind) as Y.Map<Y.Map<unknown>> | undefined
  switch (op) {
    case 1:
    case 2:
      c.set(r.pick(FIELDS), `v${r.int(1, 999)}`)
      return
    case 3:
      c.delete(r.pick(FIELDS))
      return
    case 4: {
      const address = c.get('address')
      if (address instanceof Y.Map) address.set(r.pick(ADDRESS), `a${r.int(1, 99)}`)
      return
    }
    case 5: {
      const address = new Y.Map<unknown>()
      address.set(r.pick(ADDRESS), 'moved')
      c.set('address', address)
      return
    }
    case 6:
    case 7: {
      const notes = c.get('notes')
      if (!(notes instanceof Y.Text)) return
      if (notes.length > 0 && r.chance(0.4)) {
        const at = r.int(0, notes.length - 1)
        notes.delete(at, r.int(1, Math.min(5, notes.length - at)))
      } else notes.insert(r.int(0, notes.length), r.pick(['x', 'hello ', 'é', '🏢', ' and more']))
      return
    }
    case 8: {
      const tags = c.get('tags')
      if (!(tags instanceof Y.Array)) return
      if (tags.length > 0 && r.chance(0.4)) tags.delete(r.int(0, tags.length - 1))
      else tags.push([`t${r.int(1, 5)}`])
      return
    }
    case 9: {
      const kind = r.chance(0.5) ? 'contacts' : 'deals'
      const m = children(kind)
      if (m) m.set(r.pick(CHILDREN), child(r, kind))
      return
    }
    case 10: {
      const kind = r.chance(0.5) ? 'contacts' : 'deals'
      const m = children(kind)?.get(r.pick(CHILDREN))
      if (m instanceof Y.Map) m.set(kind === 'contacts' ? r.pick(CONTACT_FIELDS) : r.pick(['name', 'amount', 'stage']), `w${r.int(1, 99)}`)
      return
    }
    case 11: {
      const m = children(r.chance(0.5) ? 'contacts' : 'deals')
      if (m) m.delete(r.pick(CHILDREN))
      return
    }
    case 12:
      customers.delete(r.pick(CUSTOMERS))
      return
    case 13: {
      const activities = c.get('activities')
      if (activities instanceof Y.Array) activities.push([new Y.Map<unknown>()])
      return
    }
    default:
      doc.getMap('book').set('name', `Book ${r.int(1, 9)}`)
  }
}

export function randomBookLog(seed: number, steps = 60): RandomBookLog {
  const r = seededRandom(seed)
  const used = new Set<number>()
  const devices: Device[] = ['alice', 'bob', 'carol'].map((user) => ({ user, doc: newDoc(r, used), outbox: [] }))
  for (const d of devices) watch(d)
  const entries: LoggedUpdate[] = []
  const log = (device: Device, update: Uint8Array) => entries.push({ update, by: device.user })
  for (let s = 0; s < steps; s++) {
    const device = r.pick(devices)
    const roll = r.next()
    if (roll < 0.45) {
      // Edits, one to three in one transaction.
      device.doc.transact(() => {
        for (let n = r.int(1, 3); n > 0; n--) edit(device.doc, r)
      })
    } else if (roll < 0.7) {
      // Sends what it has to the relay, now and then two updates swapped.
      if (device.outbox.length >= 2 && r.chance(0.15)) {
        const [a, b] = device.outbox.splice(0, 2)
        log(device, b!)
        log(device, a!)
      } else if (device.outbox.length > 0) log(device, device.outbox.shift()!)
    } else if (roll < 0.85) {
      // Receives everything logged so far.
      for (const e of entries) Y.applyUpdate(device.doc, e.update, REMOTE)
    } else if (roll < 0.93) {
      // Syncs straight with another device (its edits then depend on updates the relay lacks).
      const other = r.pick(devices)
      Y.applyUpdate(device.doc, Y.encodeStateAsUpdate(other.doc), REMOTE)
    } else if (roll < 0.97) {
      // Reconnects: its whole state as a sync step 2, deletes included.
      log(device, Y.encodeStateAsUpdate(device.doc))
      device.outbox.length = 0
    } else {
      // Reloads with a new client id, keeping its document (as a new browser session would).
      device.doc = newDoc(r, used, device.doc)
      watch(device)
    }
  }
  for (const d of devices) for (const u of d.outbox.splice(0)) log(d, u)
  return { entries, customerIds: CUSTOMERS, contactIds: CHILDREN, dealIds: CHILDREN }
}
