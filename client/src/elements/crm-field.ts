// A labelled input that validates as you type and saves on commit (Enter, leaving the field, or
// the page being hidden).
// Text that does not validate is never dropped: it stays in the field, flagged, and is reported
// as a draft so the screen can keep it.
import { LitElement, html, css, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import type { Peer } from '../book/presence'
import { freeText, type FieldRule } from '../lib/field-rules'
import { COMMIT_TYPED_TEXT } from '../lib/page-hide'
import { sharedStyles } from '../styles/shared-styles'

export type FieldCommitDetail = { field: string; value: string | null }
export type FieldDraftDetail = { field: string; text: string | null }
export type FieldFocusDetail = { field: string | null }

let nextId = 0

/**
 * @fires field-commit - {field, value} a valid value to store (null clears the field)
 * @fires field-draft - {field, text} text that did not validate (null once it is resolved)
 * @fires field-focus - {field} the field got focus; {field: null} when it lost it (presence)
 */
@customElement('crm-field')
export class CrmField extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; }
    .label-row { display: flex; align-items: baseline; justify-content: space-between; gap: 8px; margin-bottom: 4px; }
    .editors { font-size: 0.8rem; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    input[aria-invalid='true'] { border-color: var(--danger); background: var(--danger-soft); }
    .message { margin: 4px 0 0; font-size: 0.875rem; color: var(--danger); }
    .hint { margin: 4px 0 0; font-size: 0.8rem; color: var(--muted); }
  `]

  @property() field = ''
  @property() label = ''
  /** The stored value. */
  @property() value = ''
  @property() type = 'text'
  @property() inputmode = ''
  @property() autocomplete = 'off'
  @property() hint = ''
  @property({ type: Boolean }) readonly = false
  @property({ type: Boolean }) required = false
  /** Unsaved text from before (it did not validate). */
  @property() draft: string | null = null
  @property({ attribute: false }) rule: FieldRule = freeText
  /** Other people on this field right now. */
  @property({ attribute: false }) editors: Peer[] = []

  @state() private text = ''
  @state() private message = ''
  @query('input') private input!: HTMLInputElement
  private dirty = false
  private focused = false
  private readonly inputId = `crm-field-${++nextId}`

  override willUpdate(changed: Map<string, unknown>): void {
    if ((changed.has('value') || changed.has('draft')) && !(this.focused && this.dirty)) {
      this.text = this.draft ?? this.value
      this.dirty = this.draft !== null
      this.message = this.draft !== null ? this.reasonFor(this.draft) : ''
    }
  }

  override render() {
    const invalid = this.message !== ''
    return html`
      <div class="label-row">
        <label for=${this.inputId}>${this.label}${this.required ? html`<span aria-hidden="true"> *</span>` : nothing}</label>
        ${this.editors.length > 0
          ? html`<span class="editors" style="color:${this.editors[0]!.color}">${this.editors.map((p) => p.name).join(', ')} editing</span>`
          : nothing}
      </div>
      <input
        id=${this.inputId}
        name=${this.field}
        type=${this.type}
        inputmode=${this.inputmode || nothing}
        autocomplete=${this.autocomplete}
        .value=${this.text}
        ?readonly=${this.readonly}
        ?required=${this.required}
        aria-invalid=${invalid ? 'true' : 'false'}
        aria-describedby=${`${this.inputId}-msg`}
        @input=${this.onInput}
        @change=${this.commit}
        @focus=${this.onFocus}
        @blur=${this.onBlur}
      />
      <p id=${`${this.inputId}-msg`} class=${invalid ? 'message' : 'hint'} role=${invalid ? 'alert' : nothing} ?hidden=${!invalid && !this.hint}>
        ${invalid ? `${this.message} — not saved` : this.hint}
      </p>
    `
  }

  private reasonFor(text: string): string {
    const check = this.rule(text)
    return check.ok ? '' : check.reason
  }

  private onInput(): void {
    this.text = this.input.value
    this.dirty = true
    this.message = this.reasonFor(this.text)
  }

  private commit(): void {
    if (this.readonly || !this.dirty) return
    const check = this.rule(this.text)
    if (!check.ok) {
      this.message = check.reason
      this.emit('field-draft', { field: this.field, text: this.text })
      return
    }
    this.dirty = false
    this.message = ''
    this.text = check.value ?? ''
    if (this.draft !== null) this.emit('field-draft', { field: this.field, text: null })
    if ((check.value ?? '') !== this.value) this.emit('field-commit', { field: this.field, value: check.value })
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    removeEventListener(COMMIT_TYPED_TEXT, this.commitTyped)
  }

  private onFocus(): void {
    this.focused = true
    addEventListener(COMMIT_TYPED_TEXT, this.commitTyped)
    this.emit('field-focus', { field: this.field })
  }

  private onBlur(): void {
    this.focused = false
    removeEventListener(COMMIT_TYPED_TEXT, this.commitTyped)
    this.commit()
    this.emit('field-focus', { field: null })
  }

  /** The page is being hidden with text typed here (a phone locked, a tab closed or reloaded). */
  private readonly commitTyped = (): void => this.commit()

  private emit<T>(type: string, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }))
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-field': CrmField
  }
}
