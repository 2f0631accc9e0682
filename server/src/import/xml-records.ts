// XML records: each repeated record element (see splitXmlRecords) parsed by fast-xml-parser.
// Attributes become fields named "@name" (`<customer id="7">` → "@id"), an element with
// attributes and text keeps its text under "#text", repeated elements become lists. Values
// stay text: "00123" is a postal code, not the number 123. A malformed record rejects its row.
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import type { RecordSource, SourceRecord, SourceValue } from './source-record'
import { splitXmlRecords } from './xml-record-splitter'

export interface XmlOptions {
  /** Name of the record element; default: the first child element of the root. */
  readonly record?: string
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  // Decodes character references (&#13;, &#x9;), which the export writes; also HTML's named
  // entities (&nbsp;), which legacy systems put in their "XML" although XML does not define them.
  htmlEntities: true,
  removeNSPrefix: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
})

export function xmlRecords(text: AsyncIterable<string>, opts: XmlOptions = {}): RecordSource {
  return {
    columns: () => undefined,
    async *[Symbol.asyncIterator](): AsyncGenerator<SourceRecord> {
      let row = 0
      for await (const record of splitXmlRecords(text, opts.record)) {
        row++
        const valid = XMLValidator.validate(record.text)
        if (valid !== true) {
          yield { row, error: `not valid XML: ${valid.err.msg}` }
          continue
        }
        let parsed: unknown
        try {
          parsed = (parser.parse(record.text) as Record<string, unknown>)[record.name]
        } catch (e) {
          // fast-xml-parser refuses some records the validator lets through (an element named
          // "__proto__", say): that is this row's problem, not the file's.
          yield { row, error: `not readable XML: ${(e as Error).message}` }
          continue
        }
        const value = tidy(parsed)
        if (typeof value !== 'object' || Array.isArray(value)) {
          yield { row, error: `<${record.name}> has no fields (no child elements or attributes)` }
          continue
        }
        yield { row, fields: value }
      }
    },
  }
}

/** Drops the whitespace between child elements that trimValues: false leaves behind as "#text". */
function tidy(v: unknown): SourceValue {
  if (Array.isArray(v)) return v.map(tidy)
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, SourceValue> = {}
    const entries = Object.entries(v as Record<string, unknown>)
    for (const [k, child] of entries) {
      if (k === '#text' && entries.length > 1 && typeof child === 'string' && child.trim() === '') continue
      out[k] = tidy(child)
    }
    return out
  }
  return typeof v === 'string' ? v : String(v ?? '')
}
