// Keeps a book loaded for the length of an import or export. Without a pin, each batch's
// books.change could find the book unloaded (BOOK_UNLOAD_GRACE_MS=0 unloads at once) and
// reload it from the store, once per batch. The relay's RoomRegistry fits this interface as
// it is: a lease is a pin.
export interface BookPins {
  acquire(bookId: string): Promise<{ release(): void }>
}
