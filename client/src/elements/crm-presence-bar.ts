// Who else has the book open: one avatar per person (their devices folded together), with the
// customer they are looking at when it is known. Names are the ones the relay stamped.
import { LitElement, html, css, nothing } from 'lit'
import { customElement } from 'lit/decorators.js'
import type { Peer } from '../book/presence'
import { PresenceController } from '../controllers/presence-controller'
import { initials } from '../lib/format'
import { sharedStyles } from '../styles/shared-styles'

@customElement('crm-presence-bar')
export class CrmPresenceBar extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; min-width: 0; }
    ul { display: flex; gap: 4px; margin: 0; padding: 0; list-style: none; }
    li { display: flex; }
    .avatar {
      width: 32px; height: 32px; border-radius: 50%; color: #fff; font-size: 0.75rem; font-weight: 700;
      display: inline-flex; align-items: center; justify-content: center; border: 2px solid #fff;
    }
  `]

  private readonly presence = new PresenceController(this)

  override render() {
    const people = new Map<string, Peer[]>()
    for (const p of this.presence.peers) people.set(p.userId, [...(people.get(p.userId) ?? []), p])
    if (people.size === 0) return nothing
    return html`
      <ul aria-label="Also in this book">
        ${[...people.values()].map((devices) => {
          const p = devices.find((d) => d.customerId) ?? devices[0]!
          const where = p.customerId ? this.presence.customerName(p.customerId) : null
          const text = `${p.name}${where ? ` — viewing ${where}` : ''}`
          return html`<li data-user=${p.userId} title=${text}>
            <span class="avatar" style="background:${p.color}" aria-hidden="true">${initials(p.name)}</span>
            <span class="visually-hidden">${text}</span>
          </li>`
        })}
      </ul>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-presence-bar': CrmPresenceBar
  }
}
