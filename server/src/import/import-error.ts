// Typed failures of an import or export as a whole (a bad row is not one of these: it is
// rejected and reported). Each code maps to one HTTP status, so the route and the CLI agree.

export const IMPORT_ERROR_CODES = [
  'unknown-format',
  'unsupported-encoding',
  'invalid-encoding',
  'binary-content',
  'parse-error',
  'record-too-large',
  'invalid-mapping',
  'missing-columns',
  'no-name-column',
  'body-too-large',
  'invalid-option',
  'insufficient-storage',
  'upload-aborted',
  'upload-timed-out',
  'store-timeout',
] as const
export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[number]

type ImportErrorStatus = 400 | 408 | 413 | 415 | 422 | 503 | 507

const STATUS: Record<ImportErrorCode, ImportErrorStatus> = {
  'unknown-format': 400,
  'unsupported-encoding': 415,
  'invalid-encoding': 422,
  'binary-content': 422,
  'parse-error': 422,
  'record-too-large': 413,
  'invalid-mapping': 400,
  'missing-columns': 422,
  'no-name-column': 422,
  'body-too-large': 413,
  'invalid-option': 400,
  // The server's disk for temporary files is full: not the file's fault, and not a crash.
  'insufficient-storage': 507,
  // Only the client that hung up could read it; typed so it is logged as the event it is.
  'upload-aborted': 400,
  // The server stopped waiting for an upload that went quiet (UPLOAD_IDLE_TIMEOUT_MS).
  'upload-timed-out': 408,
  // The store did not answer in time (StoreError 'timeout'): try again shortly. The batches
  // before it are in (`applied`), and a retry leaves them unchanged.
  'store-timeout': 503,
}

export class ImportError extends Error {
  override readonly name = 'ImportError'
  constructor(
    readonly code: ImportErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }

  get status(): ImportErrorStatus {
    return STATUS[this.code]
  }
}

export const isImportError = (e: unknown, code?: ImportErrorCode): e is ImportError =>
  e instanceof ImportError && (code === undefined || e.code === code)
