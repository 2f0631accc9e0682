// A realistic large customer file, generated row by row so tests can stream 100,000 rows
// without holding them: distinct company names from word lists, unique emails and phone
// numbers, cities in several countries. Deterministic, so two runs give the same bytes.

const FIRST = ['Nordic', 'Alpine', 'Harbor', 'Summit', 'Golden', 'Silver', 'Granite', 'Maple', 'Cedar', 'Coastal', 'Prairie', 'Riverside', 'Crown', 'Falcon', 'Beacon', 'Meridian', 'Orchard', 'Pioneer', 'Quartz', 'Redwood', 'Sterling', 'Thunder', 'Union', 'Vista', 'Willow', 'Atlas', 'Bright', 'Copper', 'Delta', 'Ember']
const SECOND = ['Timber', 'Steel', 'Logistics', 'Bakery', 'Dental', 'Textiles', 'Software', 'Print', 'Motors', 'Foods', 'Optics', 'Pharma', 'Energy', 'Glass', 'Paper', 'Media', 'Robotics', 'Tools', 'Garden', 'Marine', 'Coffee', 'Travel', 'Security', 'Clinic', 'Studio', 'Cargo', 'Fashion', 'Farms', 'Brewing', 'Labs']
const THIRD = ['Works', 'Group', 'Partners', 'Trading', 'Supply', 'Systems', 'Holdings', 'Services', 'Collective', 'Company', 'Ventures', 'Industries', 'Associates', 'Outfitters', 'Exchange', 'Network', 'Alliance', 'Factory', 'House', 'Center']
const CITIES: ReadonlyArray<[string, string]> = [
  ['Berlin', 'DE'], ['Hamburg', 'DE'], ['München', 'DE'], ['Köln', 'DE'], ['Paris', 'FR'], ['Lyon', 'FR'], ['Madrid', 'ES'], ['Milano', 'IT'],
  ['Wien', 'AT'], ['Zürich', 'CH'], ['Amsterdam', 'NL'], ['London', 'GB'], ['New York', 'US'], ['Chicago', 'US'], ['Toronto', 'CA'], ['Sydney', 'AU'],
]

export const LARGE_FILE_HEADER = 'Company,Email,Phone,City,Country,Tags,Notes\n'

/** Row i (0-based) of the large file; every `badEvery`-th row has an invalid email. */
export function largeFileRow(i: number, badEvery = 1000): string {
  const combos = FIRST.length * SECOND.length * THIRD.length
  const n = (i * 7919) % combos // a permutation: 7919 is prime and does not divide combos
  const name = `${FIRST[n % FIRST.length]} ${SECOND[Math.floor(n / FIRST.length) % SECOND.length]} ${THIRD[Math.floor(n / (FIRST.length * SECOND.length)) % THIRD.length]}`
  // The same name comes back every `combos` rows, each time in another city.
  const [city, country] = CITIES[(n + Math.floor(i / combos)) % CITIES.length]!
  const email = i % badEvery === badEvery - 1 ? `broken-${i}@` : `contact${i}@example.com`
  const phone = `+1 212 ${200 + (i % 800)} ${String(Math.floor(i / 800)).padStart(4, '0')}`
  return `"${name}",${email},${phone},${city},${country},"import; batch-${i % 7}",Row ${i} of the large file\n`
}

/** The whole file as a byte stream, made as it is read. */
export function largeFileStream(rows: number, badEvery = 1000): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  let i = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i === 0) controller.enqueue(encoder.encode(LARGE_FILE_HEADER))
      let chunk = ''
      for (const end = Math.min(rows, i + 1000); i < end; i++) chunk += largeFileRow(i, badEvery)
      if (chunk !== '') controller.enqueue(encoder.encode(chunk))
      if (i >= rows) controller.close()
    },
  })
}
