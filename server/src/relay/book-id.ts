// Book ids appear in URLs, store keys and Redis channels, so they are kept to a safe alphabet.

export const BOOK_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/

export const isValidBookId = (id: string): boolean => BOOK_ID_PATTERN.test(id)
