// Node keeps a process alive while a timer is pending; a dropped book handle must not. Browsers
// return numbers from setTimeout, which have nothing to unref.
export const unrefTimer = (timer: unknown): void => {
  const t = timer as { unref?: () => void } | null
  if (t && typeof t.unref === 'function') t.unref()
}
