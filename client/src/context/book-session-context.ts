// The open book (handle, list index, presence), shared with every element below the book view.
import { createContext } from '@lit/context'
import type { BookSession } from '../book/book-session'

export const bookSessionContext = createContext<BookSession | null>(Symbol('crm-book-session'))
