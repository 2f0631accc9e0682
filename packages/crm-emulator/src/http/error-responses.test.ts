// Bad input gets a clear, HubSpot-shaped error: 401 without or with a wrong token, 400 for
// malformed JSON or the wrong shape, 413 for an oversized body, 404 for unknown routes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Client } from '@hubspot/api-client'
import { sdkError, startEmulator, type EmulatorFixture } from '../testing/emulator-fixture'

let t: EmulatorFixture
beforeEach(async () => {
  t = await startEmulator({ maxBodyBytes: 10_000 })
})
afterEach(() => t.stop())

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  t.api(path, { method: 'POST', body, headers })

describe('error responses', () => {
  it('401 without a token or with a wrong one, via fetch and via the SDK', async () => {
    const none = await fetch(`${t.url}/crm/v3/objects/companies`)
    expect(none.status).toBe(401)
    expect(await none.json()).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' })
    const wrong = new Client({ accessToken: 'nope', basePath: t.url })
    const error = await sdkError(wrong.crm.companies.basicApi.getPage())
    expect(error.code).toBe(401)
    expect(error.body).toMatchObject({ category: 'INVALID_AUTHENTICATION' })
    expect((await fetch(`${t.url}/__emulator/faults`)).status).toBe(401)
  })

  it('400 for malformed JSON, an empty body and the wrong shape, naming the field', async () => {
    const malformed = await post('/crm/v3/objects/companies', '{"properties": ')
    expect(malformed.status).toBe(400)
    const body = (await malformed.json()) as Record<string, unknown>
    expect(body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' })
    expect(String(body.message)).toMatch(/^Invalid input JSON/)
    expect(typeof body.correlationId).toBe('string')
    expect(malformed.headers.get('x-hubspot-correlation-id')).toBe(body.correlationId)
    expect((await post('/crm/v3/objects/companies', '')).status).toBe(400)
    const shape = await post('/crm/v3/objects/companies', JSON.stringify({ properties: 'name=x' }))
    expect(shape.status).toBe(400)
    expect(await shape.json()).toMatchObject({ errors: [{ in: 'properties' }] })
    const search = await post('/crm/v3/objects/companies/search', JSON.stringify({ filterGroups: [{ filters: [{ propertyName: 'name', operator: 'LIKE' }] }] }))
    expect(search.status).toBe(400)
  })

  it('413 for a body over the limit', async () => {
    const big = JSON.stringify({ properties: { name: 'x'.repeat(20_000) } })
    const res = await post('/crm/v3/objects/companies', big)
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' })
    expect(t.emulator.store.count('companies')).toBe(0)
  })

  it('404 with a HubSpot body for unknown routes and records', async () => {
    const route = await t.api('/crm/v3/nothing-here')
    expect(route.status).toBe(404)
    expect(await route.json()).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' })
    expect((await sdkError(t.client.crm.companies.basicApi.update('123456', { properties: { name: 'x' } }))).code).toBe(404)
  })
})
