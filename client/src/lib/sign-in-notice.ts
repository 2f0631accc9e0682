// Which notice about signing in the app shows over a signed-in screen: the "sign in again" banner
// only when the session really cannot be renewed; a failed callback (say a stale or duplicated
// one, the back button) while the session is fine is its own dismissible message.
export type SignInNotice =
  | { readonly kind: 'sign-in-again'; readonly error: string | null }
  | { readonly kind: 'error'; readonly error: string }
  | null

export function signInNotice(state: { readonly signedIn: boolean; readonly signInAgain: boolean; readonly error: string | null }): SignInNotice {
  if (!state.signedIn) return null // the sign-in screen shows its own error
  if (state.signInAgain) return { kind: 'sign-in-again', error: state.error }
  return state.error ? { kind: 'error', error: state.error } : null
}
