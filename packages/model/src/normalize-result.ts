// The one result shape every normaliser returns, so forms, the HTTP API and the importer can
// show a reason next to the field instead of catching exceptions.

export type NormalizeResult = { ok: true; value: string } | { ok: false; reason: string }

export const ok = (value: string): NormalizeResult => ({ ok: true, value })
export const fail = (reason: string): NormalizeResult => ({ ok: false, reason })
