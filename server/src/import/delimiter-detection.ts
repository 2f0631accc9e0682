// Guesses a CSV file's delimiter from its first lines, because spreadsheets export with ',',
// ';' (most of Europe), tab or '|' and never say which. csv-parse takes one delimiter and
// does not guess, hence this.

export const CANDIDATE_DELIMITERS = [',', ';', '\t', '|'] as const

const SAMPLE_LINES = 20

/**
 * Counts each candidate per line outside quotes. The delimiter is the one whose count is the
 * same, and non-zero, on the most lines (ties: the larger count, then the order above).
 */
export function detectDelimiter(sample: string): string {
  const lines = splitLines(sample).filter((l) => l.trim() !== '').slice(0, SAMPLE_LINES)
  let best: { delimiter: string; consistent: number; count: number } = { delimiter: ',', consistent: 0, count: 0 }
  for (const delimiter of CANDIDATE_DELIMITERS) {
    const counts = lines.map((l) => countOutsideQuotes(l, delimiter))
    const header = counts[0] ?? 0
    if (header === 0) continue
    const consistent = counts.filter((c) => c === header).length
    if (consistent > best.consistent || (consistent === best.consistent && header > best.count)) {
      best = { delimiter, consistent, count: header }
    }
  }
  return best.delimiter
}

/** Lines of the sample, keeping quoted line breaks inside their line; the last, partial line is dropped. */
function splitLines(sample: string): string[] {
  const lines: string[] = []
  let quoted = false
  let start = 0
  for (let i = 0; i < sample.length; i++) {
    const ch = sample[i]
    if (ch === '"') quoted = !quoted
    else if (!quoted && (ch === '\n' || ch === '\r')) {
      lines.push(sample.slice(start, i))
      if (ch === '\r' && sample[i + 1] === '\n') i++
      start = i + 1
    }
  }
  if (lines.length === 0) lines.push(sample)
  return lines
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let quoted = false
  let n = 0
  for (const ch of line) {
    if (ch === '"') quoted = !quoted
    else if (!quoted && ch === delimiter) n++
  }
  return n
}
