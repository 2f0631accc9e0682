// A copy of an upload, kept while the check pass reads it, so the import can read the same
// bytes a second time and only write once the whole file is known to be good. Small bodies
// stay in memory; past `memoryBytes` the copy moves to a temporary file under os.tmpdir(),
// so a 100 MB file costs disk, not memory. `dispose()` removes the file, whatever happened.
import { createReadStream } from 'node:fs'
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface SpoolOptions {
  /** Bytes kept in memory before the copy moves to a file. */
  readonly memoryBytes?: number
  /** Where the temporary file goes; default os.tmpdir(). */
  readonly dir?: string
}

const DEFAULTS = { memoryBytes: 1024 * 1024 } as const
/** Prefix of the temporary directories, one per spilled upload. */
export const SPOOL_PREFIX = 'crm-import-'
const READ_CHUNK = 64 * 1024

interface SpoolFile {
  readonly dir: string
  readonly path: string
  handle: FileHandle | undefined
}

export class BodySpool {
  private readonly memoryBytes: number
  private readonly dir: string | undefined
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
    await this.file?.handle?.close()
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
    if (!this.file) {
      const dir = await mkdtemp(join(this.dir ?? tmpdir(), SPOOL_PREFIX))
      const path = join(dir, 'upload')
      this.file = { dir, path, handle: undefined }
      this.file.handle = await open(path, 'wx', 0o600)
      for (const kept of this.chunks) await writeAll(this.file.handle, kept)
      this.chunks = []
    }
    await writeAll(this.file.handle!, chunk)
  }
}

/** FileHandle.write may write less than asked; the rest follows. */
async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  for (let offset = 0; offset < chunk.byteLength; ) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset)
    offset += bytesWritten
  }
}
