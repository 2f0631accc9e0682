// Book ids appear in the relay's URL (/sync/<bookId>), store keys, Redis channels and the names
// of a device's IndexedDB databases, so they are kept to a safe alphabet, the same everywhere.

export const BOOK_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/

export const isValidBookId = (id: string): boolean => BOOK_ID_PATTERN.test(id)
