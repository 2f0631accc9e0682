// In dev mode tokens are signed with a secret kept under DATA_DIR, so restarting `npm start`
// does not sign everyone out. Production sets AUTH_JWT_SECRET or AUTH_JWKS_URL instead.
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const loadOrCreateDevSecret = (dataDir: string): Uint8Array => {
  const file = join(dataDir, 'dev-jwt-secret')
  try {
    const hex = readFileSync(file, 'utf8').trim()
    if (/^[0-9a-f]{64}$/.test(hex)) return Buffer.from(hex, 'hex')
  } catch {
    // first start: create it below
  }
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(32)
  writeFileSync(file, secret.toString('hex'), { mode: 0o600 })
  return secret
}
