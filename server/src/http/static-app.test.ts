// The built web app is served with a fallback to index.html for client-side routes.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStaticApp, findClientDist } from './static-app'

describe('static app', () => {
  let dist = ''
  let app: Hono
  beforeAll(async () => {
    dist = await mkdtemp(join(tmpdir(), 'crm-dist-'))
    await writeFile(join(dist, 'index.html'), '<title>app shell</title>')
    await mkdir(join(dist, 'assets'))
    await writeFile(join(dist, 'assets', 'app.js'), 'console.log(1)')
    app = new Hono()
    app.get('/api/x', (c) => c.json({ api: true }))
    app.use('*', createStaticApp(dist))
  })
  afterAll(async () => {
    await rm(dist, { recursive: true, force: true })
  })

  it('serves files, and the shell for deep links (the OpenID Connect callback too)', async () => {
    expect(await (await app.request('/assets/app.js')).text()).toBe('console.log(1)')
    for (const path of ['/', '/books/north-territory/customers/abc', '/auth/callback?code=c&state=s&iss=https%3A%2F%2Fidp.example.com']) {
      const res = await app.request(path)
      expect(res.status).toBe(200)
      expect(await res.text()).toContain('app shell')
    }
  })

  it('leaves API paths and other methods alone', async () => {
    expect((await app.request('/api/x')).status).toBe(200)
    expect((await app.request('/api/missing')).status).toBe(404)
    expect((await app.request('/books/x', { method: 'POST' })).status).toBe(404)
  })

  it('says so when the app is not built', async () => {
    const bare = new Hono().use('*', createStaticApp(join(dist, 'nope')))
    expect((await bare.request('/')).status).toBe(503)
  })
})

describe('findClientDist', () => {
  it('finds client/dist from the source tree and from the bundle alike', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'crm-repo-'))
    try {
      await mkdir(join(repo, 'client'))
      await writeFile(join(repo, 'client', 'package.json'), '{}')
      for (const dir of [join(repo, 'server', 'src', 'http'), join(repo, 'server', 'dist')]) {
        await mkdir(dir, { recursive: true })
        expect(findClientDist(dir)).toBe(join(repo, 'client', 'dist'))
      }
      expect(findClientDist(tmpdir())).toBeNull()
    } finally {
      await rm(repo, { recursive: true, force: true })
    }
  })
})
