// Customers to CSV, JSON or XML text, one customer at a time so an export streams. The three
// layouts carry every field of the book contract (ids, timestamps, contacts, deals, activities
// included), so importing an export into an empty book gives the same book back.
import type { Customer } from '@crm-sync/model'
import type { ImportFormat } from './import-format'
import { csvCell } from './import-report'

export interface ExportWriter {
  readonly head: string
  /** `index` is the customer's position, for separators. */
  customer(c: Customer, index: number): string
  readonly tail: string
}

/** CSV columns, named like the customer fields so the suggested mapping reads them back 1:1. */
export const EXPORT_COLUMNS = [
  'id', 'name', 'status', 'email', 'phone', 'website', 'industry', 'ownerId',
  'address.street', 'address.city', 'address.region', 'address.postalCode', 'address.country',
  'tags', 'notes', 'archived', 'createdAt', 'createdBy', 'contacts', 'deals', 'activities',
] as const

export function exportWriter(format: ImportFormat, bookId: string): ExportWriter {
  switch (format) {
    case 'csv':
      return { head: `${EXPORT_COLUMNS.join(',')}\r\n`, customer: (c) => `${csvRow(c).map(csvCell).join(',')}\r\n`, tail: '' }
    case 'json':
      return { head: '[\n', customer: (c, i) => `${i === 0 ? '' : ',\n'}${JSON.stringify(c)}`, tail: '\n]\n' }
    case 'xml':
      return {
        head: `<?xml version="1.0" encoding="UTF-8"?>\n<customers book="${xmlEscape(bookId)}">\n`,
        customer: (c) => `${xmlCustomer(c)}\n`,
        tail: '</customers>\n',
      }
  }
}

function csvRow(c: Customer): string[] {
  const a = c.address ?? {}
  return [
    c.id, c.name, c.status ?? '', c.email ?? '', c.phone ?? '', c.website ?? '', c.industry ?? '', c.ownerId ?? '',
    a.street ?? '', a.city ?? '', a.region ?? '', a.postalCode ?? '', a.country ?? '',
    // "a; b" reads best; a tag that itself holds a separator forces the exact JSON form.
    c.tags.some((t) => /[,;]/.test(t)) ? JSON.stringify(c.tags) : c.tags.join('; '),
    c.notes, String(c.archived), c.createdAt ?? '', c.createdBy ?? '',
    c.contacts.length > 0 ? JSON.stringify(c.contacts) : '',
    c.deals.length > 0 ? JSON.stringify(c.deals) : '',
    c.activities.length > 0 ? JSON.stringify(c.activities) : '',
  ]
}

const SCALARS = ['name', 'status', 'email', 'phone', 'website', 'industry', 'ownerId'] as const

function xmlCustomer(c: Customer): string {
  const attrs = { id: c.id, archived: String(c.archived), createdAt: c.createdAt, createdBy: c.createdBy }
  let out = `  <customer${xmlAttrs(attrs)}>`
  for (const field of SCALARS) out += element(field, c[field])
  if (c.address) out += `<address>${Object.entries(c.address).map(([k, v]) => element(k, v)).join('')}</address>`
  if (c.tags.length > 0) out += `<tags>${c.tags.map((t) => element('tag', t)).join('')}</tags>`
  out += element('notes', c.notes)
  if (c.contacts.length > 0) {
    out += `<contacts>${c.contacts.map(({ id, ...f }) => `<contact${xmlAttrs({ id })}>${fields(f)}</contact>`).join('')}</contacts>`
  }
  if (c.deals.length > 0) {
    out += `<deals>${c.deals.map(({ id, ...f }) => `<deal${xmlAttrs({ id })}>${fields(f)}</deal>`).join('')}</deals>`
  }
  if (c.activities.length > 0) {
    out += `<activities>${c.activities.map(({ text, ...a }) => `<activity${xmlAttrs(a)}>${element('text', text)}</activity>`).join('')}</activities>`
  }
  return `${out}</customer>`
}

const fields = (record: Record<string, unknown>) => Object.entries(record).map(([k, v]) => element(k, v)).join('')

function element(name: string, value: unknown): string {
  if (value === undefined || value === null || value === '') return ''
  return `<${name}>${xmlEscape(String(value))}</${name}>`
}

function xmlAttrs(attrs: Record<string, string | undefined>): string {
  return Object.entries(attrs).map(([k, v]) => (v === undefined ? '' : ` ${k}="${xmlEscape(v)}"`)).join('')
}

/**
 * Escapes for text and attributes alike. Hand-written rather than fast-xml-parser's XMLBuilder
 * because a carriage return must become &#13; to survive XML's line-end normalisation (the
 * builder would escape the "&" of the reference) and characters XML 1.0 cannot carry at all
 * must be replaced.
 */
export function xmlEscape(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;')
}
