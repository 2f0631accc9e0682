// Binds a <textarea> to a customer's notes Y.Text, both ways, character by character:
//   typing  -> one splice per input event (text-splice.ts), applied with this binding as origin;
//   others  -> the textarea gets the new text and the caret (and selection) moves through the
//              remote delta (caret.ts), so it stays next to the same characters.
// While an IME composition is open the textarea is left alone; remote changes that arrive
// meanwhile are applied at compositionend, with the composed text placed through them.
import { ContextConsumer } from '@lit/context'
import { customersMap, editNotes } from '@crm-sync/model'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import * as Y from 'yjs'
import type { BookSession } from '../book/book-session'
import { bookSessionContext } from '../context/book-session-context'
import { transformPosition, type TextDelta } from '../lib/caret'
import { spliceBetween } from '../lib/text-splice'

export class NotesBindingController implements ReactiveController {
  private book: BookSession | null = null
  private customerId: string | null = null
  private text: Y.Text | null = null
  private textarea: HTMLTextAreaElement | null = null
  /** What the textarea showed after the last sync with the Y.Text. */
  private base = ''
  private composing = false
  private heldDeltas: TextDelta[] = []
  /** Shown while there is no Y.Text to bind yet (the book's document is still loading). */
  private savedText: string | null = null

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this)
    new ContextConsumer(host, {
      context: bookSessionContext,
      subscribe: true,
      callback: (b) => {
        this.book = b ?? null
        this.rebind()
      },
    })
  }

  /**
   * Call from the host's updated(): the customer shown, the textarea rendered for it, and the
   * notes as saved on the device to show until the document has loaded (null once it has).
   */
  bind(customerId: string | null, textarea: HTMLTextAreaElement | null, savedText: string | null = null): void {
    if (customerId === this.customerId && textarea === this.textarea && this.text === this.currentText() && savedText === this.savedText) return
    this.savedText = savedText
    this.customerId = customerId
    if (textarea !== this.textarea) {
      this.listen(false)
      this.textarea = textarea
      this.listen(true)
    }
    this.rebind()
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.listen(false)
    this.textarea = null
    this.setText(null)
  }

  private currentText(): Y.Text | null {
    const customer = this.book && this.customerId ? customersMap(this.book.handle.doc).get(this.customerId) : undefined
    const notes = customer instanceof Y.Map ? customer.get('notes') : undefined
    return notes instanceof Y.Text ? notes : null
  }

  private rebind(): void {
    this.setText(this.currentText())
    this.base = this.text?.toString() ?? this.savedText ?? ''
    if (this.textarea && this.textarea.value !== this.base) this.textarea.value = this.base
    this.heldDeltas = []
  }

  private setText(text: Y.Text | null): void {
    if (text === this.text) return
    this.text?.unobserve(this.onRemote)
    this.text = text
    text?.observe(this.onRemote)
  }

  private listen(on: boolean): void {
    const ta = this.textarea
    if (!ta) return
    const method = on ? 'addEventListener' : 'removeEventListener'
    ta[method]('input', this.onInput)
    ta[method]('compositionstart', this.onCompositionStart)
    ta[method]('compositionend', this.onCompositionEnd)
  }

  private readonly onInput = (e: Event) => {
    if (this.composing || (e as InputEvent).isComposing) return
    this.pushLocal()
  }

  private readonly onCompositionStart = () => {
    this.composing = true
  }

  private readonly onCompositionEnd = () => {
    this.composing = false
    this.pushLocal()
    if (this.heldDeltas.length > 0) this.pullRemote([])
  }

  /** Sends what the user changed in the textarea since `base` to the Y.Text. */
  private pushLocal(): void {
    const ta = this.textarea
    const book = this.book
    if (!ta || !book || !this.customerId || !book.editable) return
    const splice = spliceBetween(this.base, ta.value, ta.selectionEnd)
    if (!splice) return
    // Remote edits held back during a composition moved the text under the splice.
    let index = splice.index
    let end = splice.index + splice.deleteCount
    for (const delta of this.heldDeltas) {
      index = transformPosition(index, delta)
      end = Math.max(index, transformPosition(end, delta))
    }
    editNotes(book.handle.doc, this.customerId, index, end - index, splice.insert, this)
    if (!this.text) this.rebind() // the notes Y.Text was just created (a book written elsewhere lacked it)
    this.base = this.heldDeltas.length > 0 ? (this.text?.toString() ?? '') : ta.value
  }

  private readonly onRemote = (event: Y.YTextEvent, tx: Y.Transaction) => {
    if (tx.origin === this) return
    const delta = event.delta as TextDelta
    if (this.composing) {
      this.heldDeltas.push(delta)
      return
    }
    this.pullRemote([delta])
  }

  /** Shows the Y.Text's text, moving the caret through `deltas` (plus any held ones). */
  private pullRemote(deltas: TextDelta[]): void {
    const ta = this.textarea
    const all = [...this.heldDeltas, ...deltas]
    this.heldDeltas = []
    const next = this.text?.toString() ?? ''
    this.base = next
    if (!ta || ta.value === next) return
    const focused = ta.getRootNode() instanceof ShadowRoot
      ? (ta.getRootNode() as ShadowRoot).activeElement === ta
      : document.activeElement === ta
    if (!focused) {
      ta.value = next
      return
    }
    let start = ta.selectionStart
    let end = ta.selectionEnd
    const direction = ta.selectionDirection
    for (const delta of all) {
      start = transformPosition(start, delta)
      end = transformPosition(end, delta)
    }
    const scrollTop = ta.scrollTop
    ta.value = next
    ta.setSelectionRange(Math.min(start, next.length), Math.min(Math.max(start, end), next.length), direction ?? 'none')
    ta.scrollTop = scrollTop
  }
}
