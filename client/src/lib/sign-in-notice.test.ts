// "Your sign-in has expired" only when it has: a failed callback with a good session says only what failed.
import { describe, expect, it } from 'vitest'
import { signInNotice } from './sign-in-notice'

describe('signInNotice', () => {
  it('asks to sign in again only when the session cannot be renewed, with the last attempt\'s error', () => {
    expect(signInNotice({ signedIn: true, signInAgain: true, error: null })).toEqual({ kind: 'sign-in-again', error: null })
    expect(signInNotice({ signedIn: true, signInAgain: true, error: 'access denied' })).toEqual({ kind: 'sign-in-again', error: 'access denied' })
  })

  it('shows a callback error over a session that is fine as that error, not as an expired sign-in', () => {
    expect(signInNotice({ signedIn: true, signInAgain: false, error: 'This sign-in was not started here, or it was already used.' }))
      .toEqual({ kind: 'error', error: 'This sign-in was not started here, or it was already used.' })
  })

  it('shows nothing when all is well, or when signed out (the sign-in screen shows the error)', () => {
    expect(signInNotice({ signedIn: true, signInAgain: false, error: null })).toBeNull()
    expect(signInNotice({ signedIn: false, signInAgain: true, error: 'x' })).toBeNull()
  })
})
