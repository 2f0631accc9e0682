// The add-a-record form's state: values, invalid fields, errors and the reset after an add.
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { describe, expect, it } from 'vitest'
import type { FieldCommitDetail, FieldDraftDetail } from '../elements/crm-field'
import { DraftStore } from '../lib/draft-store'
import { RecordDraftController } from './record-draft-controller'

type F = 'name' | 'amount'
const host = () => {
  const h = { updates: 0, controllers: [] as ReactiveController[] }
  const api: ReactiveControllerHost = {
    addController: (c) => void h.controllers.push(c),
    removeController: () => {},
    requestUpdate: () => void h.updates++,
    updateComplete: Promise.resolve(true),
  }
  return { h, api }
}
const commit = (field: string, value: string | null) => new CustomEvent<FieldCommitDetail>('field-commit', { detail: { field, value } as FieldCommitDetail })
const draft = (field: string, text: string | null) => new CustomEvent<FieldDraftDetail>('field-draft', { detail: { field, text } as FieldDraftDetail })
const needsName = (v: Partial<Record<F, string>>) => (v.name ? null : 'A deal needs a name.')

describe('RecordDraftController', () => {
  it('collects committed values, drops emptied ones, and hands them over', () => {
    const { h, api } = host()
    const d = new RecordDraftController<F>(api, { name: 'Deal name', amount: 'Amount' })
    expect(h.controllers).toEqual([d])
    d.onCommit(commit('new-deal.name', 'Fleet renewal'))
    d.onCommit(commit('new-deal.amount', '1200'))
    d.onCommit(commit('new-deal.amount', null))
    expect(d.take(needsName)).toEqual({ name: 'Fleet renewal' })
    expect(h.updates).toBeGreaterThan(0)
  })

  it('refuses while a field holds invalid text, naming it, and after the record check', () => {
    const { api } = host()
    const d = new RecordDraftController<F>(api, { name: 'Deal name', amount: 'Amount' })
    d.onDraft(draft('new-deal.amount', '12x'))
    d.onCommit(commit('new-deal.name', 'Fleet'))
    expect(d.take(needsName)).toBeNull()
    expect(d.error).toBe('Fix amount first.')
    d.onDraft(draft('new-deal.amount', null))
    d.onCommit(commit('new-deal.name', null))
    expect(d.error).toBe('')
    expect(d.take(needsName)).toBeNull()
    expect(d.error).toBe('A deal needs a name.')
  })

  it('starts a fresh form after an add', () => {
    const { api } = host()
    const d = new RecordDraftController<F>(api, { name: 'Deal name', amount: 'Amount' })
    d.onCommit(commit('new-deal.name', 'Fleet'))
    d.onDraft(draft('new-deal.amount', 'x'))
    const key = d.formKey
    d.reset()
    expect(d.formKey).toBe(key + 1)
    expect(d.take(() => null)).toEqual({})
  })
})

describe('RecordDraftController kept in the book\'s drafts', () => {
  const storage = () => {
    const items = new Map<string, string>()
    return {
      get length() {
        return items.size
      },
      key: (i: number) => [...items.keys()][i] ?? null,
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
    }
  }

  it('gives values and invalid texts back to the next form for the same record, not another', () => {
    const store = new DraftStore(storage(), 'alice', 'north')
    const first = new RecordDraftController<F>(host().api, { name: 'Deal name', amount: 'Amount' })
    first.keepIn({ store, name: 'new-deal/c1' })
    first.onCommit(commit('new-deal.name', 'Fleet renewal'))
    first.onDraft(draft('new-deal.amount', '12x'))

    const { h, api } = host()
    const again = new RecordDraftController<F>(api, { name: 'Deal name', amount: 'Amount' })
    const key = again.formKey
    again.keepIn({ store, name: 'new-deal/c1' })
    expect(again.formKey).not.toBe(key)
    expect(h.updates).toBeGreaterThan(0)
    expect(again.valueOf('name')).toBe('Fleet renewal')
    expect(again.draftOf('amount')).toBe('12x')
    expect(again.take(needsName)).toBeNull()
    expect(again.error).toBe('Fix amount first.')

    again.keepIn({ store, name: 'new-deal/c2' })
    expect(again.valueOf('name')).toBe('')
    expect(again.draftOf('amount')).toBeNull()
    again.keepIn({ store, name: 'new-deal/c1' })
    expect(again.valueOf('name')).toBe('Fleet renewal')
  })

  it('forgets the kept form once the record was added', () => {
    const store = new DraftStore(storage(), 'alice', 'north')
    const d = new RecordDraftController<F>(host().api, { name: 'Deal name', amount: 'Amount' })
    d.keepIn({ store, name: 'new-deal/c1' })
    d.onCommit(commit('new-deal.name', 'Fleet renewal'))
    expect(d.take(needsName)).toEqual({ name: 'Fleet renewal' })
    d.reset()
    expect(store.readForm('new-deal/c1')).toEqual({ values: {}, drafts: {} })
  })

  it('does not start over when given the same place again (every render)', () => {
    const store = new DraftStore(storage(), 'alice', 'north')
    const d = new RecordDraftController<F>(host().api, { name: 'Deal name', amount: 'Amount' })
    d.keepIn({ store, name: 'new-deal/c1' })
    const key = d.formKey
    d.onDraft(draft('new-deal.amount', '12x'))
    d.keepIn({ store, name: 'new-deal/c1' })
    expect(d.formKey).toBe(key)
    expect(d.draftOf('amount')).toBe('12x')
  })
})
