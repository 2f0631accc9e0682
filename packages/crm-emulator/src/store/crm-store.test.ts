// Look-ups by a unique property and paging in id order stay right as records are created,
// changed, archived and the store is reset (they are indexed, not scanned).
import { describe, expect, it } from 'vitest'
import { INTEGRATION } from './crm-record'
import { CrmStore } from './crm-store'
import { createMemoryPersistence } from './persistence'

const storeWithKey = () => {
  const store = new CrmStore({ persistence: createMemoryPersistence(), clock: () => Date.parse('2025-01-15T09:00:00Z') })
  store.properties.create('companies', { name: 'ext_key', label: 'Key', type: 'string', fieldType: 'text', groupName: 'companyinformation', hasUniqueValue: true })
  return store
}

describe('CrmStore look-ups', () => {
  it('finds records by a unique property through creates, changes and archives', () => {
    const store = storeWithKey()
    const a = store.create('companies', { name: 'A', ext_key: 'k1' }, INTEGRATION)
    expect(store.findBy('companies', 'ext_key', 'k1')?.id).toBe(a.id) // indexed on this first look-up
    const b = store.create('companies', { name: 'B', ext_key: 'k2' }, INTEGRATION)
    expect(store.findBy('companies', 'ext_key', 'k2')?.id).toBe(b.id)

    store.update('companies', a.id, { ext_key: 'k3' }, INTEGRATION)
    expect(store.findBy('companies', 'ext_key', 'k1')).toBeUndefined()
    expect(store.findBy('companies', 'ext_key', 'k3')?.id).toBe(a.id)
    expect(() => store.update('companies', b.id, { ext_key: 'k3' }, INTEGRATION)).toThrow(/already exists/)

    store.update('companies', a.id, { ext_key: '' }, INTEGRATION) // cleared
    expect(store.findBy('companies', 'ext_key', 'k3')).toBeUndefined()
    store.update('companies', b.id, { ext_key: 'k3' }, INTEGRATION) // free again

    store.archive('companies', b.id, INTEGRATION)
    expect(store.findBy('companies', 'ext_key', 'k3')).toBeUndefined()
    expect(store.findBy('companies', 'ext_key', 'k3', true)?.id).toBe(b.id)
    const c = store.create('companies', { name: 'C', ext_key: 'k3' }, INTEGRATION) // an archived record does not hold it
    expect(store.findBy('companies', 'ext_key', 'k3')?.id).toBe(c.id)

    store.reset()
    store.properties.create('companies', { name: 'ext_key', label: 'Key', type: 'string', fieldType: 'text', groupName: 'companyinformation', hasUniqueValue: true })
    expect(store.findBy('companies', 'ext_key', 'k3')).toBeUndefined()
    const d = store.create('companies', { name: 'D', ext_key: 'k3' }, INTEGRATION)
    expect(store.findBy('companies', 'ext_key', 'k3')?.id).toBe(d.id)
  })

  it('pages live or archived records in id order', () => {
    const store = storeWithKey()
    const ids = Array.from({ length: 7 }, (_, i) => store.create('companies', { name: `C${i}` }, INTEGRATION).id)
    store.archive('companies', ids[2]!, INTEGRATION)
    expect(store.list('companies').map((r) => r.id)).toEqual(ids.filter((_, i) => i !== 2))
    const first = store.page('companies', 0, 3)
    expect(first.records.map((r) => r.id)).toEqual([ids[0], ids[1], ids[3]])
    expect(first.more).toBe(true)
    const rest = store.page('companies', Number(ids[3]) + 1, 3)
    expect(rest.records.map((r) => r.id)).toEqual([ids[4], ids[5], ids[6]])
    expect(rest.more).toBe(false)
    expect(store.page('companies', 0, 10, true).records.map((r) => r.id)).toEqual([ids[2]])
    expect(store.count('companies')).toBe(6)
  })
})
