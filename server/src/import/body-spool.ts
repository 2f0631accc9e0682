// A copy of an upload, kept while the check pass reads it, so the import can read the same
// bytes a second time and only write once the whole file is known to be good. Small bodies
// stay in memory; past `memoryBytes` the copy moves to a temporary file under os.tmpdir()
// (disk, unless that is a tmpfs). `dispose()` removes the file, whatever happened. A full disk
// is the typed `insufficient-storage` refusal, not a crash: the book has not been touched yet.
import { createReadStream } from 'node:fs'
import { open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ImportError } from './import-error'
import { createSpoolDir } from './spool-dir'

/** Where the copy's bytes go; a seam for tests to fail writes (a full disk) without filling one. */
export interface SpoolWriter {
  write(chunk: Uint8Array, offset: number, length: number): Promise<{ readonly bytesWritten: number }>
  close(): Promise<void>
}

export interface SpoolOptions {
  /** Bytes kept in memory before the copy moves to a file. */
  readonly memoryBytes?: number
  /** Where the temporary file goes; default os.tmpdir(). */
  readonly dir?: string
  /** Opens the temporary file for writing; default a new file, readable by this user only. */
  readonly openWriter?: (path: string) => Promise<SpoolWriter>
}

const DEFAULTS = {
  memoryBytes: 1024 * 1024,
  openWriter: (path: string): Promise<SpoolWriter> => open(path, 'wx', 0o600),
} as const
const READ_CHUNK = 64 * 1024
/** Error codes of a full disk, or of a user's quota on it. */
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT'])

interface SpoolFile {
  readonly dir: string
  readonly path: string
  handle: SpoolWriter | undefined
}

export class BodySpool {
  private readonly memoryBytes: number
  private readonly dir: string | undefined
  private readonly openWriter: (path: string) => Promise<SpoolWriter>
  private chunks: Uint8Array[] = []
  private bytes = 0
  private file: SpoolFile | undefined
  private complete = false
  private disposed = false
  /** The write in flight, so dispose() never races a file being created or appended to. */
  private writing: Promise<void> = Promise.resolve()

  constructor(opts: SpoolOptions = {}) {
    const o = { ...DEFAULTS, ...opts }
    this.memoryBytes = o.memoryBytes
    this.dir = o.dir
    this.openWriter = o.openWriter
  }

  /** Bytes kept so far (all of the body once `record` has finished). */
  get size(): number {
    return this.bytes
  }

  /** True once the copy went to a temporary file. */
  get spilled(): boolean {
    return this.file !== undefined
  }

  /** Passes the body's chunks through while keeping a copy of each. */
  async *record(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      const kept = this.keep(chunk)
      this.writing = kept.catch(() => {})
      await kept
      yield chunk
    }
    await this.writing
    // Some file systems (NFS, quotas) report a full disk only when the file is closed.
    await this.file?.handle?.close().catch(asDiskFull)
    if (this.file) this.file.handle = undefined
    this.complete = true
  }

  /** The whole body again. Only after `record` has read it to the end. */
  async *replay(): AsyncGenerator<Uint8Array> {
    if (!this.complete) throw new Error('the body spool was replayed before the whole body was read')
    if (!this.file) {
      yield* this.chunks
      return
    }
    const stream = createReadStream(this.file.path, { highWaterMark: READ_CHUNK })
    try {
      for await (const chunk of stream) yield chunk as Buffer
    } finally {
      stream.destroy()
    }
  }

  /** Drops the copy and removes the temporary file, if any. Safe to call more than once. */
  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    this.chunks = []
    await this.writing
    const file = this.file
    if (!file) return
    await file.handle?.close().catch(() => {})
    await rm(file.dir, { recursive: true, force: true })
  }

  private async keep(chunk: Uint8Array): Promise<void> {
    if (this.disposed) throw new Error('the body spool was disposed while the body was still being read')
    this.bytes += chunk.byteLength
    if (!this.file && this.bytes <= this.memoryBytes) {
      this.chunks.push(chunk)
      return
    }
    try {
      if (!this.file) {
        const dir = await createSpoolDir(this.dir ?? tmpdir())
        const path = join(dir, 'upload')
        this.file = { dir, path, handle: undefined }
        this.file.handle = await this.openWriter(path)
        for (const kept of this.chunks) await writeAll(this.file.handle, kept)
        this.chunks = []
      }
      await writeAll(this.file.handle!, chunk)
    } catch (e) {
      asDiskFull(e)
    }
  }
}

/** A full disk as the typed refusal it is; any other error as it was. */
function asDiskFull(e: unknown): never {
  const code = (e as NodeJS.ErrnoException | undefined)?.code
  if (code === undefined || !DISK_FULL.has(code)) throw e
  throw new ImportError(
    'insufficient-storage',
    'the server has no room to take the upload: the disk that holds its temporary copy is full; nothing was written. Try again later, or ask the operator to free space (or set TMPDIR)',
    { reason: code },
    { cause: e },
  )
}

/** A write may write less than asked; the rest follows. */
async function writeAll(handle: SpoolWriter, chunk: Uint8Array): Promise<void> {
  for (let offset = 0; offset < chunk.byteLength; ) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset)
    offset += bytesWritten
  }
}
