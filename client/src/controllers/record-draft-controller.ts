// The "add one" form under a list of nested records (a customer's contacts, its deals): the values
// committed so far, the fields whose text does not pass their rule yet, the form's error, and a
// key that gives the next record a fresh form once one was added. Given a place to keep them
// (`keepIn`), values and texts survive a reload of the page.
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { FieldCommitDetail, FieldDraftDetail } from '../elements/crm-field'
import { withoutKey, type DraftStore, type DraftTexts } from '../lib/draft-store'

/** Where a form's unsaved state is kept: the book's drafts, under the form's name. */
export interface FormPlace {
  readonly store: DraftStore
  readonly name: string
}

export class RecordDraftController<F extends string> implements ReactiveController {
  private values: Partial<Record<F, string>> = {}
  /** Text of the fields that do not pass their rule yet. */
  private texts: Partial<Record<F, string>> = {}
  private place: FormPlace | null = null
  /** Shown under the form; cleared when a field changes. */
  error = ''
  /** Changes after every add: render the form `keyed` on it so its fields start empty. */
  formKey = 0

  constructor(
    private readonly host: ReactiveControllerHost,
    /** Field labels, for "fix … first". */
    private readonly labels: Record<F, string>,
  ) {
    host.addController(this)
  }

  hostConnected(): void {}

  /**
   * Keeps the form's state at `place` from now on, taking what was kept there (a form for another
   * record starts from its own). Renders the form afresh when that changes what it shows.
   */
  keepIn(place: FormPlace | null): void {
    if (place?.store === this.place?.store && place?.name === this.place?.name) return
    this.place = place
    const kept = place ? place.store.readForm(place.name) : null
    this.values = (kept?.values ?? {}) as Partial<Record<F, string>>
    this.texts = (kept?.drafts ?? {}) as Partial<Record<F, string>>
    this.error = ''
    this.formKey++
    this.host.requestUpdate()
  }

  /** What the form's field `f` shows: its committed value, or the text that did not validate. */
  valueOf(f: F): string {
    return this.values[f] ?? ''
  }

  draftOf(f: F): string | null {
    return this.texts[f] ?? null
  }

  /** `@field-commit` of the form's fields (named `<anything>.<field>`). */
  readonly onCommit = (e: CustomEvent<FieldCommitDetail>): void => {
    e.stopPropagation()
    const f = fieldOf<F>(e.detail.field)
    const { [f]: _previous, ...rest } = this.values as Record<F, string>
    this.values = (e.detail.value ? { ...rest, [f]: e.detail.value } : rest) as Partial<Record<F, string>>
    this.texts = withoutKey(this.texts, f)
    this.error = ''
    this.save()
    this.host.requestUpdate()
  }

  /** `@field-draft`: text that does not pass its rule (null once it does or was dropped). */
  readonly onDraft = (e: CustomEvent<FieldDraftDetail>): void => {
    e.stopPropagation()
    const f = fieldOf<F>(e.detail.field)
    this.texts = e.detail.text === null ? withoutKey(this.texts, f) : { ...this.texts, [f]: e.detail.text }
    this.save()
    this.host.requestUpdate()
  }

  /**
   * The non-empty values to add, or null with `error` set: when a field still holds invalid text,
   * or when `refuse` names what the record lacks.
   */
  take(refuse: (values: Partial<Record<F, string>>) => string | null): Partial<Record<F, string>> | null {
    const invalid = Object.keys(this.texts) as F[]
    const problem =
      invalid.length > 0
        ? `Fix ${invalid.map((f) => this.labels[f].toLowerCase()).join(', ')} first.`
        : refuse(this.values)
    if (problem) {
      this.error = problem
      this.host.requestUpdate()
      return null
    }
    return this.values
  }

  /** After an add: empty values and a fresh form. */
  reset(): void {
    this.values = {}
    this.texts = {}
    this.place?.store.clear(this.place.name)
    this.error = ''
    this.formKey++
    this.host.requestUpdate()
  }

  private save(): void {
    this.place?.store.writeForm(this.place.name, { values: this.values as DraftTexts, drafts: this.texts as DraftTexts })
  }
}

const fieldOf = <F extends string>(name: string): F => name.split('.').pop() as F
