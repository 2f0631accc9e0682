// The relay's customer list on a fresh device, from the fetch until the document holds the book:
//
//   fetching ──fetched──► offered ──finish()──► ended
//      └──── failed / cancelFetch() / finish() ────┘
//
// Only a fetch that is still running is cancelled by going offline: a list already shown stays
// until the book has synced (or the handle stops or closes), since the empty document is no
// better. A failure is reported through `onError` and otherwise ends the offer like a cancel.
import { deferred, type Deferred } from './deferred'
import type { StoredProjection } from './local-store'
import { fetchServerProjection, serverProjectionFailed } from './server-projection'
import type { SyncClientError } from './sync-client-error'
import { isSyncClientError } from './sync-client-error'

export interface ServerProjectionOfferOptions {
  readonly httpUrl: string
  readonly bookId: string
  readonly maxBytes: number
  readonly getToken: () => Promise<string>
  readonly onError: (error: SyncClientError) => void
  /** The list arrived (before the end): show it. */
  readonly offer: (projection: StoredProjection) => void
  /** The offer is over, whether or not anything was shown: the document is what to read now. */
  readonly ended: () => void
}

type OfferState = 'fetching' | 'offered' | 'ended'

export class ServerProjectionOffer {
  /** Resolves once the list was offered or the offer ended without one: time to sync. */
  readonly whenSettled: Promise<void>
  private state: OfferState = 'fetching'
  private readonly abort = new AbortController()
  private readonly settled: Deferred<void>

  constructor(private readonly o: ServerProjectionOfferOptions) {
    ;[this.whenSettled, this.settled] = deferred<void>()
    void this.run()
  }

  /** Gives up on a fetch that has not finished (going offline); a list already offered stays. */
  cancelFetch(): void {
    if (this.state === 'fetching') this.finish()
  }

  /** The document holds the book now, or nothing more will come into it: the offer ends. */
  finish(): void {
    if (this.state === 'ended') return
    this.state = 'ended'
    this.abort.abort()
    this.o.ended()
    this.settled.resolve()
  }

  private async run(): Promise<void> {
    try {
      const token = await this.o.getToken().catch((cause: unknown) => {
        throw serverProjectionFailed('getToken failed', cause)
      })
      if (this.state !== 'fetching') return
      const projection = await fetchServerProjection({
        httpUrl: this.o.httpUrl, bookId: this.o.bookId, maxBytes: this.o.maxBytes, token, signal: this.abort.signal,
      })
      if (this.state !== 'fetching') return
      this.state = 'offered'
      this.o.offer(projection)
      this.settled.resolve()
    } catch (e) {
      if (this.state !== 'fetching') return // aborted on purpose: nothing failed
      this.o.onError(isSyncClientError(e, 'server-projection-failed') ? e : serverProjectionFailed(e instanceof Error ? e.message : String(e), e))
      this.finish()
    }
  }
}
