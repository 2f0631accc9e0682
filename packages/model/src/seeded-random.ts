// A small seeded PRNG (mulberry32) so demo data is the same on every run and machine:
// tests, benchmarks and demo books can rely on "seed 42, customer 17" meaning one thing.

export type Random = {
  /** Float in [0, 1). */
  next(): number
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number
  pick<T>(items: readonly T[]): T
  /** True with probability p. */
  chance(p: number): boolean
  /** Replaces each '#' with a digit and each '@' with a digit 2-9. */
  digits(pattern: string): string
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p) => next() < p,
    digits: (pattern) => pattern.replace(/[#@]/g, (c) => String(c === '#' ? int(0, 9) : int(2, 9))),
  }
}
