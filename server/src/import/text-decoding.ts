// Bytes to text for the parsers: honours a UTF-8 or UTF-16 byte order mark, decodes strictly
// (invalid UTF-8 is an error, not U+FFFD soup) and refuses binary files up front, from the
// first chunk, before anything is written.
import { ImportError } from './import-error'

/** What `encoding=` accepts; WHATWG labels, all available in Node's full-ICU build. */
export const TEXT_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'iso-8859-1', 'iso-8859-15'] as const

const SNIFF_BYTES = 8192

export const decodeText = async function* (
  chunks: AsyncIterable<Uint8Array>,
  encoding?: string,
): AsyncGenerator<string> {
  const requested = encoding?.toLowerCase()
  if (requested !== undefined && !(TEXT_ENCODINGS as readonly string[]).includes(requested) && requested !== 'latin1') {
    throw new ImportError('unsupported-encoding', `unsupported encoding ${encoding}; use one of ${TEXT_ENCODINGS.join(', ')}`)
  }
  let decoder: TextDecoder | null = null
  let head: Uint8Array = new Uint8Array(0)
  for await (const chunk of chunks) {
    if (decoder) {
      yield decode(decoder, chunk, true)
      continue
    }
    head = concat(head, chunk)
    if (head.byteLength < SNIFF_BYTES) continue
    decoder = openDecoder(head, requested)
    yield decode(decoder, head, true)
  }
  if (!decoder) {
    decoder = openDecoder(head, requested)
    if (head.byteLength > 0) yield decode(decoder, head, true)
  }
  const rest = decode(decoder, new Uint8Array(0), false)
  if (rest !== '') yield rest
}

function openDecoder(head: Uint8Array, requested: string | undefined): TextDecoder {
  const bom = sniffBom(head)
  const label = bom ?? (requested === 'latin1' ? 'windows-1252' : requested) ?? 'utf-8'
  // UTF-16 text is full of NUL bytes, so the binary check only applies to 8-bit encodings.
  if (!label.startsWith('utf-16') && looksBinary(head)) {
    throw new ImportError('binary-content', 'the file looks binary (it contains NUL or control bytes), not CSV, JSON or XML text')
  }
  return new TextDecoder(label, { fatal: true })
}

function decode(decoder: TextDecoder, bytes: Uint8Array, stream: boolean): string {
  try {
    return decoder.decode(bytes, { stream })
  } catch (e) {
    throw new ImportError('invalid-encoding', `the file is not valid ${decoder.encoding} text; pass encoding=windows-1252 (or the file's encoding) if it is not UTF-8`, undefined, { cause: e })
  }
}

function sniffBom(b: Uint8Array): string | undefined {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8'
  if (b[0] === 0xff && b[1] === 0xfe) return 'utf-16le'
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be'
  return undefined
}

/** NUL, or more than 1% C0 control bytes other than tab, CR, LF and form feed. */
function looksBinary(b: Uint8Array): boolean {
  const n = Math.min(b.byteLength, SNIFF_BYTES)
  let control = 0
  for (let i = 0; i < n; i++) {
    const c = b[i]!
    if (c === 0) return true
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) control++
  }
  return control > n / 100
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.byteLength === 0) return b
  const out = new Uint8Array(a.byteLength + b.byteLength)
  out.set(a, 0)
  out.set(b, a.byteLength)
  return out
}
