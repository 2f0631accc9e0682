// Human wording for times and counts in a small screen's space ("2 min ago", "3 changes waiting").

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' })
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

export function relativeTime(at: number, now = Date.now()): string {
  const s = Math.round((at - now) / 1000)
  if (Math.abs(s) < 45) return 'just now'
  const m = Math.round(s / 60)
  if (Math.abs(m) < 60) return rtf.format(m, 'minute')
  const h = Math.round(m / 60)
  if (Math.abs(h) < 24) return rtf.format(h, 'hour')
  return rtf.format(Math.round(h / 24), 'day')
}

export const formatDateTime = (iso: string | number): string => {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? String(iso) : dateTime.format(d)
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString()} ${n === 1 ? one : many}`

/** A datetime-local input's value for a moment, in local time. */
export function toLocalInput(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`
}

/** A stable colour per user for presence dots. */
export function userColor(userId: string): string {
  let h = 0
  for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0
  return `hsl(${h % 360} 65% 40%)`
}

export const initials = (name: string): string =>
  name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]!.toUpperCase()).join('') || '?'
