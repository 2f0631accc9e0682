// Counts the bytes of an upload as they stream through and stops at the configured limit, so
// an import never reads (or applies) more than MAX_IMPORT_BYTES, even without Content-Length.
import { ImportError } from './import-error'

export interface CountedBytes {
  readonly chunks: AsyncIterable<Uint8Array>
  /** Bytes read so far: the import's progress through the file. */
  readonly bytesRead: () => number
}

/** The chunks, counted; `check` sees the running total after each chunk and may throw. */
export const countBytes = (source: AsyncIterable<Uint8Array>, check?: (read: number) => void): CountedBytes => {
  let read = 0
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      read += chunk.byteLength
      check?.(read)
      yield chunk
    }
  }
  return { chunks: chunks(), bytesRead: () => read }
}

export const limitBytes = (source: AsyncIterable<Uint8Array>, maxBytes: number): CountedBytes =>
  countBytes(source, (read) => {
    if (read > maxBytes) {
      throw new ImportError('body-too-large', `the file is larger than the import limit of ${maxBytes} bytes`, { maxBytes })
    }
  })
