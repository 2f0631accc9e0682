// The upload's copy between the check pass and the import: the same bytes back, in memory
// while small, in a temporary file beyond that, and no file left behind in any path.
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BodySpool } from './body-spool'

async function* chunksOf(parts: readonly string[], failAfter?: number): AsyncGenerator<Uint8Array> {
  for (const [i, p] of parts.entries()) {
    if (i === failAfter) throw new Error('the client hung up')
    yield new TextEncoder().encode(p)
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
})
