// One job per worker thread: its posted result, typed failures (a throw, an exit without a
// result, a worker that never answers and is stopped), and one job at a time.
import { describe, expect, it } from 'vitest'
import { runWorkerJob, serialJobs } from './worker-job'

class JobError extends Error {}
const failed = (message: string, cause?: unknown) => new JobError(message, { cause })
const script = (code: string) => new URL(`data:text/javascript,${encodeURIComponent(code)}`)

describe('runWorkerJob', () => {
  it('resolves with what the worker posts, its data handed in', async () => {
    const url = script("import { parentPort, workerData } from 'node:worker_threads'; parentPort.postMessage(workerData.n * 2)")
    expect(await runWorkerJob<number>({ url, workerData: { n: 21 }, failed })).toBe(42)
  })

  it('fails with the typed error when the worker throws or exits without a result', async () => {
    await expect(runWorkerJob({ url: script("throw new Error('boom')"), workerData: null, failed })).rejects.toBeInstanceOf(JobError)
    await expect(runWorkerJob({ url: script('process.exit(3)'), workerData: null, failed })).rejects.toThrow(/exited \(code 3\) without a result/)
  })

  it('stops a worker that never answers, and fails the job', async () => {
    const started = performance.now()
    const hanging = runWorkerJob({ url: script('while (true) {}'), workerData: null, failed, timeoutMs: 300 })
    await expect(hanging).rejects.toThrow(/no result in 300 ms and was stopped/)
    expect(performance.now() - started).toBeLessThan(10_000)
  })
})

describe('serialJobs', () => {
  it('runs one job at a time, in order, and refuses jobs after close()', async () => {
    const jobs = serialJobs(() => new JobError('closed'))
    const order: string[] = []
    let release!: () => void
    const first = jobs.run(async () => {
      order.push('first started')
      await new Promise<void>((resolve) => (release = resolve))
      order.push('first done')
    })
    const second = jobs.run(async () => void order.push('second started'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(order).toEqual(['first started'])
    release()
    await Promise.all([first, second])
    expect(order).toEqual(['first started', 'first done', 'second started'])
    await jobs.close()
    await expect(jobs.run(async () => 1)).rejects.toBeInstanceOf(JobError)
  })
})
