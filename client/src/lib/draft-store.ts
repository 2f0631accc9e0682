// Unsaved form text, kept in the tab's sessionStorage so that a reload (the update banner's
// Reload included), or a background tab the phone discarded and restored, gives it back: text in
// a field that did not validate yet, and the half-filled "new customer" / "add a contact" forms.
// Per user and book, written synchronously (a page being hidden gets no later turn), and
// forgotten on sign-out: a shared device shows no one else's typing. Another tab starts empty.
import type { KeyValueStorage } from './last-change-store'

export interface DraftStorage extends KeyValueStorage {
  removeItem(key: string): void
  key(index: number): string | null
  readonly length: number
}

const PREFIX = 'crm:drafts:'
const bookPrefix = (userId: string, bookId: string): string => `${PREFIX}${encodeURIComponent(userId)}:${encodeURIComponent(bookId)}:`

/** Field name → text. */
export type DraftTexts = Record<string, string>

/** A form's saved state: values that passed their rule, texts that did not yet, and extras. */
export interface FormDraft {
  readonly values: DraftTexts
  readonly drafts: DraftTexts
  readonly extra?: DraftTexts
}

/** `texts` without `key`. */
export const withoutKey = <T extends Partial<Record<string, string>>>(texts: T, key: string): T => {
  const { [key]: _dropped, ...rest } = texts
  return rest as T
}

export const EMPTY_FORM: FormDraft = { values: {}, drafts: {} }

export class DraftStore {
  private readonly prefix: string

  constructor(
    private readonly storage: DraftStorage | null,
    userId: string,
    bookId: string,
  ) {
    this.prefix = bookPrefix(userId, bookId)
  }

  /** The texts kept under `name` (e.g. 'fields'): {} when none or unreadable. */
  readTexts(name: string): DraftTexts {
    return texts(this.read(name))
  }

  writeTexts(name: string, value: DraftTexts): void {
    this.write(name, Object.keys(value).length === 0 ? null : value)
  }

  readForm(name: string): FormDraft {
    const raw = this.read(name)
    if (typeof raw !== 'object' || raw === null) return EMPTY_FORM
    const r = raw as Record<string, unknown>
    return { values: texts(r['values']), drafts: texts(r['drafts']), extra: texts(r['extra']) }
  }

  /** Saves the form; an empty one (no values, drafts or extras) is removed. */
  writeForm(name: string, form: FormDraft): void {
    const empty = [form.values, form.drafts, form.extra ?? {}].every((t) => Object.keys(t).length === 0)
    this.write(name, empty ? null : form)
  }

  clear(name: string): void {
    this.write(name, null)
  }

  private read(name: string): unknown {
    try {
      const raw = this.storage?.getItem(this.prefix + name)
      return raw ? (JSON.parse(raw) as unknown) : null
    } catch (e) {
      console.warn('unsaved form text unreadable; starting afresh', e)
      return null
    }
  }

  private write(name: string, value: unknown): void {
    try {
      if (value === null) this.storage?.removeItem(this.prefix + name)
      else this.storage?.setItem(this.prefix + name, JSON.stringify(value))
    } catch (e) {
      // Full or disabled storage: the text stays on screen, it just won't survive a reload.
      console.warn('could not keep unsaved form text', e)
    }
  }
}

/** On sign-out: every user's unsaved text in this tab. */
export function forgetAllDrafts(storage: DraftStorage | null): void {
  forgetDraftsUnder(storage, PREFIX)
}

/** Once a book's data was removed from the device: the user's unsaved text of that book in this tab. */
export function forgetBookDrafts(storage: DraftStorage | null, userId: string, bookId: string): void {
  forgetDraftsUnder(storage, bookPrefix(userId, bookId))
}

function forgetDraftsUnder(storage: DraftStorage | null, prefix: string): void {
  if (!storage) return
  try {
    const keys: string[] = []
    for (let i = 0; i < storage.length; i++) {
      const k = storage.key(i)
      if (k?.startsWith(prefix)) keys.push(k)
    }
    for (const k of keys) storage.removeItem(k)
  } catch (e) {
    console.warn('could not forget unsaved form text', e)
  }
}

/** The tab's sessionStorage, or null where the browser refuses it (some private modes). */
export function sessionDraftStorage(): DraftStorage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage
  } catch {
    return null
  }
}

const texts = (raw: unknown): DraftTexts => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {}
  const out: DraftTexts = {}
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) if (typeof v === 'string') out[k] = v
  return out
}

/** Texts by key kept under one name, e.g. the open book's fields that did not validate. */
export class PersistedTexts {
  private readonly texts: Map<string, string>

  constructor(
    private readonly store: DraftStore,
    private readonly name: string,
  ) {
    this.texts = new Map(Object.entries(store.readTexts(name)))
  }

  get(key: string): string | undefined {
    return this.texts.get(key)
  }

  set(key: string, text: string): void {
    if (this.texts.get(key) === text) return
    this.texts.set(key, text)
    this.save()
  }

  delete(key: string): void {
    if (this.texts.delete(key)) this.save()
  }

  private save(): void {
    this.store.writeTexts(this.name, Object.fromEntries(this.texts))
  }
}
