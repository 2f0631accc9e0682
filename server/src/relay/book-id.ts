// Book ids appear in URLs, store keys and Redis channels, so they are kept to a safe alphabet: the
// protocol package's, which clients check against too.
export { BOOK_ID_PATTERN, isValidBookId } from '@crm-sync/protocol'
