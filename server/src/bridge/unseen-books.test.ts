// Books changed unseen fall due as pushes do: once quiet for the debounce, or the maximum wait
// after their first unseen change however often they change.
import { describe, expect, it } from 'vitest'
import { UnseenBooks } from './unseen-books'

describe('UnseenBooks', () => {
  it('is due once quiet for the debounce, or at the maximum wait after the first change', () => {
    const books = new UnseenBooks({ debounceMs: 100, maxWaitMs: 500 })
    books.mark('quiet', 0)
    for (let t = 0; t <= 450; t += 50) books.mark('busy', t)
    expect(books.nextDueAt()).toBe(100)
    expect(books.takeDue(99)).toEqual([])
    expect(books.takeDue(100)).toEqual([{ bookId: 'quiet', first: 0, last: 0 }])
    expect(books.takeDue(499)).toEqual([])
    expect(books.takeDue(500).map((b) => b.bookId)).toEqual(['busy'])
    expect(books.size).toBe(0)
    expect(books.nextDueAt()).toBeNull()
  })
})
