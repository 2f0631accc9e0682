// Reads a server's GET /metrics (Prometheus text format) into numbers the bench can compare
// before and after a measured step. A few lines instead of a parser library: the bench only needs
// plain samples, `name{labels} value`.

export type MetricSamples = ReadonlyMap<string, number>

export const readMetrics = async (httpUrl: string): Promise<MetricSamples> => {
  const res = await fetch(`${httpUrl}/metrics`)
  if (!res.ok) throw new Error(`GET /metrics → ${res.status}`)
  const out = new Map<string, number>()
  for (const line of (await res.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const cut = line.lastIndexOf(' ')
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)))
  }
  return out
}

/** A sample's value, 0 when the series does not exist (yet). `series` as printed: `name{label="v"}`. */
export const sample = (m: MetricSamples, series: string): number => m.get(series) ?? 0

/** Sum of every series of a metric (all label values). */
export const total = (m: MetricSamples, name: string): number => {
  let sum = 0
  for (const [k, v] of m) if (k === name || k.startsWith(`${name}{`)) sum += v
  return sum
}
