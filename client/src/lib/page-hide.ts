// What the page does when it is hidden, in order: a reload or a closed tab runs that handler (and
// its microtasks) and nothing after it, so the text still in a focused field is committed first,
// then the book's queued updates are written (BookHandle.flush commits them at once). Listeners of
// `visibilitychange` on window and document do not run in an order the fields could rely on
// (measured in Chromium: the document's ran first), so the book session tells them.

/** Dispatched on window before the book is saved: a focused field commits what was typed. */
export const COMMIT_TYPED_TEXT = 'crm-commit-typed-text'

/** Commits typed text, then runs `save` (synchronously: the page may be gone after this turn). */
export const onPageHidden = (save: () => void): void => {
  dispatchEvent(new Event(COMMIT_TYPED_TEXT))
  save()
}
