// The look of a notice over the whole app (sign-in expired, a failed sign-in): a strip stuck to the
// top, its text and its buttons on one line where they fit. Each notice sets its own colours on
// `.banner` (background, border-bottom).
import { css } from 'lit'

export const noticeBannerStyles = css`
  :host { display: block; position: sticky; top: 0; z-index: 15; }
  .banner { display: flex; align-items: center; flex-wrap: wrap; gap: 4px 8px; padding: 8px 12px; color: var(--text); }
  .text { flex: 1 1 16rem; min-width: 0; }
`
