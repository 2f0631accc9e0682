// The customer's notes: a text area several people type into at once. The binding to the
// notes Y.Text (and keeping the caret in place under others' edits) is NotesBindingController's.
import { LitElement, html, css, nothing } from 'lit'
import { customElement, property, query } from 'lit/decorators.js'
import type { Peer } from '../book/presence'
import { NotesBindingController } from '../controllers/notes-binding-controller'
import { sharedStyles } from '../styles/shared-styles'
import type { FieldFocusDetail } from './crm-field'

/**
 * @fires field-focus - {field: 'notes'} on focus, {field: null} on blur (presence)
 */
@customElement('crm-notes-editor')
export class CrmNotesEditor extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; }
    .label-row { display: flex; justify-content: space-between; gap: 8px; margin-bottom: 4px; }
    .editors { font-size: 0.8rem; font-weight: 600; }
    textarea { min-height: 140px; }
  `]

  @property() customerId = ''
  @property({ type: Boolean }) readonly = false
  @property({ attribute: false }) editors: Peer[] = []
  /** The notes as last saved on the device, shown (read-only) until the book's document has loaded. */
  @property({ attribute: false }) savedText: string | null = null
  @query('textarea') private textarea!: HTMLTextAreaElement

  private readonly binding = new NotesBindingController(this)

  override render() {
    return html`
      <div class="label-row">
        <label for="notes">Notes</label>
        ${this.editors.length > 0
          ? html`<span class="editors" style="color:${this.editors[0]!.color}">${this.editors.map((p) => p.name).join(', ')} typing</span>`
          : nothing}
      </div>
      <textarea id="notes" name="notes" rows="6" ?readonly=${this.readonly} spellcheck="true"
        @focus=${() => this.emitFocus('notes')} @blur=${() => this.emitFocus(null)}></textarea>
    `
  }

  override updated(): void {
    this.binding.bind(this.customerId || null, this.textarea, this.savedText)
  }

  private emitFocus(field: string | null): void {
    this.dispatchEvent(new CustomEvent<FieldFocusDetail>('field-focus', { detail: { field }, bubbles: true, composed: true }))
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-notes-editor': CrmNotesEditor
  }
}
