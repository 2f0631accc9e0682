// The "add one" form under a list of nested records (a customer's contacts, its deals): the values
// committed so far, the fields whose text does not pass their rule yet, the form's error, and a
// key that gives the next record a fresh form once one was added.
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { FieldCommitDetail, FieldDraftDetail } from '../elements/crm-field'

export class RecordDraftController<F extends string> implements ReactiveController {
  private values: Partial<Record<F, string>> = {}
  private readonly invalid = new Set<F>()
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

  /** `@field-commit` of the form's fields (named `<anything>.<field>`). */
  readonly onCommit = (e: CustomEvent<FieldCommitDetail>): void => {
    e.stopPropagation()
    const f = fieldOf<F>(e.detail.field)
    const { [f]: _previous, ...rest } = this.values as Record<F, string>
    this.values = (e.detail.value ? { ...rest, [f]: e.detail.value } : rest) as Partial<Record<F, string>>
    this.invalid.delete(f)
    this.error = ''
    this.host.requestUpdate()
  }

  /** `@field-draft`: text that does not pass its rule (null once it does or was dropped). */
  readonly onDraft = (e: CustomEvent<FieldDraftDetail>): void => {
    e.stopPropagation()
    const f = fieldOf<F>(e.detail.field)
    if (e.detail.text === null) this.invalid.delete(f)
    else this.invalid.add(f)
    this.host.requestUpdate()
  }

  /**
   * The non-empty values to add, or null with `error` set: when a field still holds invalid text,
   * or when `refuse` names what the record lacks.
   */
  take(refuse: (values: Partial<Record<F, string>>) => string | null): Partial<Record<F, string>> | null {
    const problem =
      this.invalid.size > 0
        ? `Fix ${[...this.invalid].map((f) => this.labels[f].toLowerCase()).join(', ')} first.`
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
    this.invalid.clear()
    this.error = ''
    this.formKey++
    this.host.requestUpdate()
  }
}

const fieldOf = <F extends string>(name: string): F => name.split('.').pop() as F
