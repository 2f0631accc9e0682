// Cuts a stream of XML text into its record elements (the repeated children of the root, or
// every element with a given name), so that fast-xml-parser, which only parses whole strings,
// parses one record at a time. Tracks tags, comments, CDATA and processing instructions and
// checks that tags nest; memory is one record (capped) however large the file is.
// DTDs are refused: they are not needed for data files and are the door to entity attacks.
import { ImportError } from './import-error'
import { MAX_RECORD_CHARS } from './source-record'
import { wrappedMessage } from './wrapped-records'
import { XmlChildTally } from './xml-child-tally'

export interface XmlRecordText {
  /** Local name (namespace prefix removed) of the record element. */
  readonly name: string
  readonly text: string
}

const localName = (name: string) => name.slice(name.indexOf(':') + 1)

export async function* splitXmlRecords(text: AsyncIterable<string>, recordName?: string): AsyncGenerator<XmlRecordText> {
  let buf = ''
  let pos = 0
  let droppedLines = 0
  const stack: string[] = []
  let rootSeen = false
  let rootClosed = false
  let autoName: string | undefined
  let recordStart = -1
  let recordDepth = -1

  const line = () => 1 + droppedLines + countLines(buf, pos)
  const malformed = (message: string) => new ImportError('parse-error', `XML is malformed near line ${line()}: ${message}`, { line: line() })
  // Checked on each record and each tag, comment or CDATA section as a whole, not only on what
  // a chunk left over, so the outcome never depends on how the upload was cut into chunks.
  const tooLarge = () => {
    const wrapped = recordName === undefined && recordStart >= 0 ? children.repeated() : undefined
    const hint = wrapped === undefined ? '' : `; ${wrappedMessage('xml', wrapped)}`
    // Where the record starts, not where the reading stopped: that depends on the chunks.
    const at = recordStart >= 0 ? 1 + droppedLines + countLines(buf, recordStart) : line()
    return new ImportError('record-too-large', `the XML record starting on line ${at} is longer than ${MAX_RECORD_CHARS} characters${hint}`, { line: at })
  }
  // The direct children of the open record: a record too large that is a list of records
  // (`<customers>` under the root instead of `<customer>`) gets a hint to name the element.
  const children = new XmlChildTally()
  const isRecord = (name: string, depth: number): boolean => {
    const local = localName(name)
    if (recordName !== undefined) return local === recordName
    if (depth !== 1) return false
    autoName ??= local
    return local === autoName
  }

  for await (const chunk of text) {
    buf += chunk
    for (;;) {
      const lt = buf.indexOf('<', pos)
      const textEnd = lt < 0 ? buf.length : lt
      if (stack.length === 0 && /\S/.test(buf.slice(pos, textEnd))) {
        throw malformed(rootSeen ? 'text after the root element' : 'the file does not start with an XML element')
      }
      if (lt < 0) {
        pos = buf.length
        break
      }
      const end = tagEnd(buf, lt)
      if (end === 'incomplete') {
        pos = lt
        break
      }
      if (end === 'dtd') throw malformed('DTDs (<!DOCTYPE ... [ ]>) are not supported')
      if (end - lt > MAX_RECORD_CHARS) throw tooLarge()
      // A record stops at its first MAX_RECORD_CHARS characters, here as at a chunk's end, so the
      // tally behind the hint sees the same tags whatever the chunk size.
      if (recordStart >= 0 && end - recordStart > MAX_RECORD_CHARS) throw tooLarge()
      const tag = buf.slice(lt, end)
      pos = end
      if (!/^<[^!?]/.test(tag)) continue // comment, CDATA, processing instruction, declaration
      const name = /^<\/?\s*([^\s/>]+)/.exec(tag)?.[1]
      if (!name) throw malformed(`not a valid tag: ${tag.slice(0, 40)}`)
      if (tag.startsWith('</')) {
        const open = stack.pop()
        if (open !== name) throw malformed(open ? `</${name}> closes <${open}>` : `</${name}> closes nothing`)
        if (recordStart >= 0 && stack.length === recordDepth + 1) children.close()
        if (recordStart >= 0 && stack.length === recordDepth) {
          yield { name: localName(name!), text: buf.slice(recordStart, end) }
          recordStart = -1
        }
        if (stack.length === 0) rootClosed = true
        continue
      }
      if (rootClosed) throw malformed('more than one root element')
      rootSeen = true
      const selfClosing = tag.endsWith('/>')
      if (recordStart < 0 && isRecord(name!, stack.length)) {
        if (selfClosing) {
          yield { name: localName(name!), text: tag }
          continue
        }
        recordStart = lt
        recordDepth = stack.length
        children.reset()
      } else if (recordStart >= 0) {
        children.open(localName(name!), stack.length - recordDepth, /\s[^\s=/>]+\s*=/.test(tag), selfClosing)
      }
      if (!selfClosing) stack.push(name!)
      if (stack.length > 64) throw malformed('elements are nested more than 64 deep')
    }
    // Keep only what is still needed: the open record, or the unfinished tag.
    const keepFrom = recordStart >= 0 ? recordStart : pos
    droppedLines += countLines(buf, keepFrom)
    buf = buf.slice(keepFrom)
    pos -= keepFrom
    if (recordStart >= 0) recordStart = 0
    if (buf.length > MAX_RECORD_CHARS) throw tooLarge()
  }
  if (stack.length > 0) throw malformed(`the file ends inside <${stack[stack.length - 1]}>`)
  if (!rootSeen) throw malformed('no XML element found')
}

/** Index just past the construct starting at `lt`, or 'incomplete' when more text is needed. */
function tagEnd(buf: string, lt: number): number | 'incomplete' | 'dtd' {
  const close = (marker: string, from: number) => {
    const i = buf.indexOf(marker, from)
    return i < 0 ? 'incomplete' : i + marker.length
  }
  if (buf.startsWith('<!--', lt)) return close('-->', lt + 4)
  if (buf.startsWith('<![CDATA[', lt)) return close(']]>', lt + 9)
  if (buf.startsWith('<?', lt)) return close('?>', lt + 2)
  const head = buf.slice(lt, lt + 9)
  if (head.length < 9 && ('<![CDATA['.startsWith(head) || '<!--'.startsWith(head))) return 'incomplete'
  let quote = ''
  for (let i = lt + 1; i < buf.length; i++) {
    const ch = buf[i]
    if (quote) {
      if (ch === quote) quote = ''
    } else if (ch === '"' || ch === "'") quote = ch
    else if (ch === '[' && buf.startsWith('<!', lt)) return 'dtd'
    else if (ch === '>') return i + 1
  }
  return 'incomplete'
}

function countLines(s: string, end: number): number {
  let n = 0
  for (let i = s.indexOf('\n'); i >= 0 && i < end; i = s.indexOf('\n', i + 1)) n++
  return n
}
