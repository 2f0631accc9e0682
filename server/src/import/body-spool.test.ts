// The upload's copy between the check pass and the import: the same bytes back, in memory
// while small, in a temporary file beyond that, and no file left behind in any path.
import { mkdtemp, open, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BodySpool, type SpoolWriter } from './body-spool'
import { isImportError } from './import-error'

async function* chunksOf(parts: readonly string[], failAfter?: number): AsyncGenerator<Uint8Array> {
  for (const [i, p] of parts.entries()) {
    if (i === failAfter) throw new Error('the client hung up')
    yield new TextEncoder().encode(p)
  }
}
/** A real file whose disk "fills up" after `room` bytes: the write (or the close) fails as a full disk does. */
const fullAfter = (room: number, code: 'ENOSPC' | 'EDQUOT', failOn: 'write' | 'close' = 'write') => async (path: string): Promise<SpoolWriter> => {
  const file = await open(path, 'wx', 0o600)
  let written = 0
  const full = () => Object.assign(new Error(`${code}: no space left on device, ${failOn}`), { code, syscall: failOn })
  return {
    write: async (chunk, offset, length) => {
      if (failOn === 'write' && written + length > room) throw full()
      written += length
      return file.write(chunk, offset, length)
    },
    close: async () => {
      await file.close()
      if (failOn === 'close') throw full()
    },
  }
}

const text = async (chunks: AsyncIterable<Uint8Array>) => {
  let out = ''
  const decoder = new TextDecoder()
  for await (const c of chunks) out += decoder.decode(c, { stream: true })
  return out
}

describe('BodySpool', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crm-body-spool-test-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  const parts = Array.from({ length: 50 }, (_, i) => `chunk ${i} ${'é'.repeat(i)}\n`)

  it('passes the body through and gives it back from memory when small', async () => {
    const spool = new BodySpool({ memoryBytes: 1_000_000, dir })
    expect(await text(spool.record(chunksOf(parts)))).toBe(parts.join(''))
    expect(spool.spilled).toBe(false)
    expect(await readdir(dir)).toEqual([])
    expect(await text(spool.replay())).toBe(parts.join(''))
    await spool.dispose()
  })

  it('moves to a temporary file past memoryBytes, replays it as often as asked, and removes it', async () => {
    const spool = new BodySpool({ memoryBytes: 100, dir })
    expect(await text(spool.record(chunksOf(parts)))).toBe(parts.join(''))
    expect(spool.spilled).toBe(true)
    expect(spool.size).toBe(new TextEncoder().encode(parts.join('')).length)
    expect(await readdir(dir)).toHaveLength(1)
    expect(await text(spool.replay())).toBe(parts.join(''))
    expect(await text(spool.replay())).toBe(parts.join(''))
    await spool.dispose()
    await spool.dispose()
    expect(await readdir(dir)).toEqual([])
  })

  it('removes the file when the upload breaks off, and will not replay half a body', async () => {
    const spool = new BodySpool({ memoryBytes: 100, dir })
    await expect(text(spool.record(chunksOf(parts, 30)))).rejects.toThrow('the client hung up')
    expect(await readdir(dir)).toHaveLength(1)
    await expect(text(spool.replay())).rejects.toThrow('before the whole body was read')
    await spool.dispose()
    expect(await readdir(dir)).toEqual([])
  })

  it('removes the file when the reader stops early', async () => {
    const spool = new BodySpool({ memoryBytes: 100, dir })
    for await (const _ of spool.record(chunksOf(parts))) if (spool.spilled) break
    await spool.dispose()
    expect(await readdir(dir)).toEqual([])
  })

  it.each([
    ['ENOSPC', 'write'],
    ['EDQUOT', 'write'],
    ['ENOSPC', 'close'],
  ] as const)('a full disk (%s on %s) is the typed insufficient-storage refusal, and no file is left', async (code, failOn) => {
    const spool = new BodySpool({ memoryBytes: 100, dir, openWriter: fullAfter(300, code, failOn) })
    const error = await text(spool.record(chunksOf(parts))).catch((e: unknown) => e)
    expect(isImportError(error, 'insufficient-storage')).toBe(true)
    expect(error).toMatchObject({ status: 507, details: { reason: code }, message: expect.stringContaining('no room to take the upload') })
    expect((error as Error).cause).toMatchObject({ code })
    await spool.dispose()
    expect(await readdir(dir)).toEqual([])
  })

  it('passes other write errors on as they are', async () => {
    const failing = async (): Promise<SpoolWriter> => ({
      write: async () => {
        throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' })
      },
      close: async () => {},
    })
    const spool = new BodySpool({ memoryBytes: 100, dir, openWriter: failing })
    await expect(text(spool.record(chunksOf(parts)))).rejects.toMatchObject({ code: 'EIO' })
    await spool.dispose()
    expect(await readdir(dir)).toEqual([])
  })
})
