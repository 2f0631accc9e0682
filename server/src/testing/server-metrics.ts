// Reading a test server's /metrics, for tests that watch a counter or gauge move.

/** The value of a series at `baseUrl`/metrics, by its name and labels as written there (NaN when it is not there). */
export const readMetric = async (baseUrl: string, series: string): Promise<number> => {
  const text = await (await fetch(`${baseUrl}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return Number(line?.slice(series.length + 1) ?? NaN)
}

/** Polls the metric until `ok` holds for it; throws naming `what` after `timeoutMs`. */
export const waitForMetric = async (baseUrl: string, name: string, ok: (v: number) => boolean, what: string, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!ok(await readMetric(baseUrl, name))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
