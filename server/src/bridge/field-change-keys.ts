// Which bridge fields a change to one shared type of a book touches, as field-clock keys
// (`kind:id:field`, `kind:id:*` for a whole record, `company:id:address.*` for the whole address):
// the book layout of ARCHITECTURE.md read backwards from a type's path under `customers`.

/**
 * `path` leads from `customers` to the changed type (map keys; undefined where the type sits in
 * an array), `keys` are the map keys it changed (none for a text or an array).
 */
export function fieldChangeKeys(path: ReadonlyArray<string | undefined>, keys: Iterable<string>, emit: (key: string) => void): void {
  const [cid, sub, childId] = path
  if (path.length === 0) {
    for (const k of keys) emit(`company:${k}:*`)
  } else if (path.length === 1 && cid) {
    for (const k of keys) {
      if (k === 'contacts' || k === 'deals') continue
      emit(`company:${cid}:${k === 'address' ? 'address.*' : k}`)
    }
  } else if (cid && sub === 'address') {
    for (const k of keys) emit(`company:${cid}:address.${k}`)
  } else if (cid && (sub === 'notes' || sub === 'tags')) {
    emit(`company:${cid}:${sub}`)
  } else if (cid && (sub === 'contacts' || sub === 'deals')) {
    const kind = sub === 'contacts' ? 'contact' : 'deal'
    if (path.length === 2) for (const k of keys) emit(`${kind}:${k}:*`)
    else if (childId) for (const k of keys) emit(`${kind}:${childId}:${k}`)
  }
}
