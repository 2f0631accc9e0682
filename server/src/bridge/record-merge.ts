// Three-way merge of one record, field by field, against the last agreed state (the base):
// a field changed on one side only takes that side; changed on both to different values goes by
// the field's policy and leaves a conflict entry; notes are merged as text. Pure: no I/O.
import { transformOf, type FieldMapping } from './field-map'
import { mergeText } from './text-merge'

/** A field's last agreed value, in book form and as the CRM stored it. */
export interface BaseField {
  readonly book: string | null
  readonly crm: string | null
}
export type BaseSnapshot = Readonly<Record<string, BaseField>>

/** Book-form values of a record's mapped fields (absent = unset). */
export type BookValues = Readonly<Record<string, string | null>>

export interface SideChange {
  /** ms since the epoch. */
  readonly at: number
  readonly by: string
}

export interface FieldConflict {
  readonly field: string
  readonly property: string
  readonly base: string | null
  readonly bookValue: string | null
  readonly crmValue: string | null
  readonly book: SideChange | null
  readonly crm: SideChange | null
  readonly policy: FieldMapping['policy']
  readonly winner: 'book' | 'crm' | 'merged'
  /** The value both sides get. */
  readonly result: string | null
}

export interface MergeInput {
  readonly fields: readonly FieldMapping[]
  /** null: the two sides were never agreed (first link, or state lost). */
  readonly base: BaseSnapshot | null
  /** null: the book has no such record yet (a CRM-made record). */
  readonly book: BookValues | null
  /** null: the CRM has no such record yet (a book-made record). */
  readonly crm: Readonly<Record<string, string>> | null
  /** When the book side last changed a field (from the relay's update log), if known. */
  readonly bookChange: (field: string) => SideChange | null
  /** When the CRM record last changed. */
  readonly crmChange: SideChange | null
}

export interface MergeResult {
  /** Book fields to write (null clears). */
  readonly bookPatch: Record<string, string | null>
  /** CRM properties to write (null clears). */
  readonly crmPatch: Record<string, string | null>
  /** The base once both writes have landed. */
  readonly agreed: Record<string, BaseField>
  readonly conflicts: FieldConflict[]
}

const norm = (v: string | null | undefined): string | null => (v === undefined || v === '' ? null : v)

export function mergeRecord(input: MergeInput): MergeResult {
  const out: MergeResult = { bookPatch: {}, crmPatch: {}, agreed: {}, conflicts: [] }
  const context = input.book ?? {}
  for (const m of input.fields) mergeField(input, m, context, out)
  return out
}

/**
 * One field. Kept free of per-field closures, and the CRM value is turned into book form only
 * where it is used: this runs for every field of every record the bridge looks at.
 */
function mergeField(input: MergeInput, m: FieldMapping, context: BookValues, out: MergeResult): void {
  const t = transformOf(m)
  const base = input.base?.[m.field]
  const book = input.book ? norm(input.book[m.field]) : null
  const crm = input.crm ? norm(input.crm[m.property]) : null

  if (input.book === null) {
    if (m.direction !== 'toCrm') takeCrm(out, m, book, crm, norm(t.fromCrm(crm, context)))
    return
  }
  if (input.crm === null) {
    if (m.direction !== 'fromCrm') takeBook(out, m, context, book, crm)
    else out.agreed[m.field] = { book, crm: null }
    return
  }

  const bookChanged = base === undefined ? true : book !== norm(base.book)
  const crmChanged = base === undefined ? true : crm !== norm(base.crm)

  if (m.direction === 'toCrm') {
    if (bookChanged || crmChanged) takeBook(out, m, context, book, crm)
    else out.agreed[m.field] = { book, crm }
    return
  }
  if (m.direction === 'fromCrm') {
    if (bookChanged || crmChanged) takeCrm(out, m, book, crm, norm(t.fromCrm(crm, context)))
    else out.agreed[m.field] = { book, crm }
    return
  }
  if (!bookChanged && !crmChanged) {
    out.agreed[m.field] = { book, crm }
    return
  }
  if (bookChanged && !crmChanged) {
    takeBook(out, m, context, book, crm)
    return
  }
  const fromCrm = norm(t.fromCrm(crm, context))
  if (!bookChanged) {
    takeCrm(out, m, book, crm, fromCrm)
  } else if (fromCrm === book) {
    // Both sides moved to the same value (or were linked already equal).
    out.agreed[m.field] = { book, crm }
  } else {
    const bookWhen = input.bookChange(m.field)
    const crmWhen = input.crmChange
    let winner: FieldConflict['winner']
    let result: string | null
    if (m.policy === 'merge-text') {
      const merged = mergeText(base?.book ?? '', book ?? '', fromCrm ?? '')
      result = norm(merged.text)
      takeBook(out, m, context, book, crm, result)
      winner = 'merged'
      // A clean text merge is what the policy is for, not a conflict anyone must look at.
      if (merged.clean) return
    } else {
      const bookWins = m.policy === 'book-wins' ||
        (m.policy === 'later-wins' && (bookWhen?.at ?? 0) > (crmWhen?.at ?? 0))
      winner = bookWins ? 'book' : 'crm'
      if (bookWins) takeBook(out, m, context, book, crm)
      else takeCrm(out, m, book, crm, fromCrm)
      result = bookWins ? book : fromCrm
    }
    // Without a base nobody's edit is being overruled: the two sides are being linked.
    if (base !== undefined) {
      out.conflicts.push({
        field: m.field, property: m.property, base: norm(base.book), bookValue: book, crmValue: fromCrm,
        book: bookWhen, crm: crmWhen, policy: m.policy, winner, result,
      })
    }
  }
}

/** The CRM's value (in book form) goes to the book. */
function takeCrm(out: MergeResult, m: FieldMapping, book: string | null, crm: string | null, crmAsBook: string | null): void {
  if (crmAsBook !== book) out.bookPatch[m.field] = crmAsBook
  out.agreed[m.field] = { book: crmAsBook, crm }
}

/** `value` (the book's, or a merged text) goes to the CRM, and to the book when it differs. */
function takeBook(out: MergeResult, m: FieldMapping, context: BookValues, book: string | null, crm: string | null, value: string | null = book): void {
  const toCrm = norm(transformOf(m).toCrm(value, context))
  if (toCrm !== crm) out.crmPatch[m.property] = toCrm
  if (value !== book) out.bookPatch[m.field] = value
  out.agreed[m.field] = { book: value, crm: toCrm }
}
