// The look of a customer's nested record lists (contacts, deals): one card per record with its
// fields in a grid (two columns from 600 px), and the "add one" form under them.
import { css } from 'lit'

export const recordListStyles = css`
  :host { display: block; margin-bottom: 12px; }
  h3 { font-size: 1rem; margin: 0 0 12px; }
  ul { list-style: none; margin: 0 0 12px; padding: 0; display: grid; gap: 12px; }
  .grid { display: grid; grid-template-columns: 1fr; gap: 12px; }
  @media (min-width: 600px) { .grid { grid-template-columns: 1fr 1fr; } }
  .head { display: flex; justify-content: space-between; align-items: center; gap: 8px; margin-bottom: 8px; }
  .head strong { overflow-wrap: anywhere; }
  .error { color: var(--danger); }
  .add { border-top: 1px solid var(--border); padding-top: 12px; }
`
