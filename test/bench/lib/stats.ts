// Small statistics for benchmark results: medians across repeated runs, percentiles within one
// run. Kept here (not a library) because it is a dozen lines and must not allocate per sample.

/** The q-quantile (0..1) of the samples by nearest rank; NaN when there are none. Sorts in place. */
export const percentile = (samples: Float64Array | number[], q: number): number => {
  if (samples.length === 0) return Number.NaN
  const sorted = samples instanceof Float64Array ? samples.sort() : samples.sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[rank]!
}

/** The median of the finite values (NaN entries are runs that produced nothing). */
export const median = (values: readonly number[]): number => {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  if (finite.length === 0) return Number.NaN
  const mid = finite.length >> 1
  return finite.length % 2 === 1 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2
}

/** Median of one numeric field over repeated runs. */
export const medianOf = <T>(runs: readonly T[], pick: (run: T) => number): number => median(runs.map(pick))

/** A growable sample buffer that avoids boxing millions of latencies into a JS array. */
export class Samples {
  private data = new Float64Array(1024)
  length = 0

  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2)
      bigger.set(this.data)
      this.data = bigger
    }
    this.data[this.length++] = v
  }

  percentile(q: number): number {
    return percentile(this.data.subarray(0, this.length), q)
  }
}
