// Styles every element adopts: the colour tokens, and form controls and buttons sized for
// thumbs (at least 44 × 44 px) with a visible keyboard focus ring.
import { css } from 'lit'

export const sharedStyles = css`
  :host {
    --brand: #0f766e;
    --brand-dark: #115e59;
    --brand-soft: #ccfbf1;
    --text: #1b1f24;
    --muted: #56606b;
    --border: #cfd6de;
    --surface: #ffffff;
    --bg: #f6f7f9;
    --danger: #b42318;
    --danger-soft: #fde8e7;
    --warn: #8a5a00;
    --warn-soft: #fff4d6;
    --radius: 10px;
    --tap: 44px;
    box-sizing: border-box;
    color: var(--text);
    font: 16px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  }
  *, *::before, *::after { box-sizing: inherit; }
  [hidden] { display: none !important; }

  button, .button {
    min-height: var(--tap);
    min-width: var(--tap);
    padding: 0 16px;
    border-radius: var(--radius);
    border: 1px solid var(--border);
    background: var(--surface);
    color: var(--text);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    text-decoration: none;
  }
  button.primary, .button.primary { background: var(--brand); border-color: var(--brand); color: #fff; }
  button.primary:hover, .button.primary:hover { background: var(--brand-dark); }
  button.danger { color: var(--danger); border-color: currentColor; }
  button.ghost { border-color: transparent; background: transparent; }
  button:disabled { opacity: 0.55; cursor: not-allowed; }

  input, select, textarea {
    width: 100%;
    min-height: var(--tap);
    padding: 8px 12px;
    border: 1px solid var(--border);
    border-radius: var(--radius);
    background: var(--surface);
    color: var(--text);
    font: inherit;
  }
  textarea { resize: vertical; line-height: 1.5; }
  input[readonly], textarea[readonly], select:disabled { background: var(--bg); color: var(--muted); }
  label { font-weight: 600; font-size: 0.9rem; }

  :focus-visible { outline: 3px solid #2563eb; outline-offset: 2px; }
  input:focus-visible, select:focus-visible, textarea:focus-visible { outline-offset: 0; }

  .muted { color: var(--muted); }
  .visually-hidden {
    position: absolute !important; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap;
  }
  .card {
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: var(--radius);
    padding: 16px;
  }
  h1, h2, h3 { line-height: 1.2; margin: 0; }
  h2 { font-size: 1.1rem; }
`
