// A new app version waits for the user: nothing reloads until Reload is pressed, the open book is
// saved before the new version is let in, and another tab's Reload does not reload this one.
import { describe, expect, it, vi } from 'vitest'
import type { RegisterSWOptions } from 'vite-plugin-pwa/types'
import { fakeHost } from '../testing/fake-api'
import { AppUpdateController } from './app-update-controller'

const start = (save: () => Promise<void> = () => Promise.resolve()) => {
  const order: string[] = []
  let sw: RegisterSWOptions = {}
  const updateSW = vi.fn(async (_reloadPage?: boolean) => void order.push('updateSW'))
  const reload = vi.fn(() => void order.push('reload'))
  const host = fakeHost()
  const container = Object.assign(new EventTarget(), { controller: {} as unknown })
  const update = new AppUpdateController(host, {
    serviceWorker: container,
    save: async () => {
      await save()
      order.push('saved')
    },
    reload,
  })
  update.register((options) => {
    sw = options
    return updateSW
  })
  /** The new version's service worker took control of the page. */
  const controllerChanged = () => container.dispatchEvent(new Event('controllerchange'))
  return { update, host, order, updateSW, reload, sw: () => sw, controllerChanged }
}

describe('AppUpdateController', () => {
  it('registers with the prompt callbacks, at once, and shows nothing until a version waits', () => {
    const { update, sw } = start()
    // onNeedReload given: else vite-plugin-pwa reloads by itself when the new version takes control.
    expect(sw()).toMatchObject({ immediate: true, onNeedRefresh: expect.any(Function), onNeedReload: expect.any(Function) })
    expect(update.visible).toBe(false)
  })

  it('shows the banner for a waiting version and reloads nothing by itself', () => {
    const { update, host, sw, updateSW, reload } = start()
    sw().onNeedRefresh!()
    expect(update.state).toBe('ready')
    expect(update.visible).toBe(true)
    expect(host.updates).toBeGreaterThan(0)
    expect(updateSW).not.toHaveBeenCalled()
    expect(reload).not.toHaveBeenCalled()
  })

  it('on Reload saves the book first, then lets the new version in, then reloads once it controls the page', async () => {
    let finishSave = () => {}
    const { update, sw, order, updateSW, controllerChanged } = start(() => new Promise<void>((resolve) => (finishSave = resolve)))
    sw().onNeedRefresh!()
    const reloading = update.reloadNow()
    expect(update.state).toBe('reloading')
    await Promise.resolve()
    expect(updateSW).not.toHaveBeenCalled() // still saving
    finishSave()
    await reloading
    expect(updateSW).toHaveBeenCalledWith(true)
    sw().onNeedReload!() // vite-plugin-pwa's signal (not in every tab): left to the listener
    expect(order).toEqual(['saved', 'updateSW'])
    controllerChanged()
    expect(order).toEqual(['saved', 'updateSW', 'reload'])
  })

  it('does not reload when saving failed, and says so', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const { update, sw, updateSW, reload } = start(() => Promise.reject(new Error('disk full')))
    sw().onNeedRefresh!()
    await update.reloadNow()
    expect(updateSW).not.toHaveBeenCalled()
    expect(reload).not.toHaveBeenCalled()
    expect(update.state).toBe('ready')
    expect(update.error).toMatch(/could not be saved/)
    error.mockRestore()
  })

  it('when another tab let the new version in, offers it here instead of reloading', async () => {
    const { update, sw, order, updateSW, controllerChanged } = start()
    sw().onNeedRefresh!()
    update.dismiss()
    sw().onNeedReload!()
    controllerChanged() // another tab pressed Reload: this page is controlled by the new version now
    expect(order).toEqual([])
    expect(update.visible).toBe(true)
    await update.reloadNow()
    expect(order).toEqual(['saved', 'reload'])
    expect(updateSW).not.toHaveBeenCalled()
  })

  it('takes the first version claiming the page for no update', () => {
    const host = fakeHost()
    const container = Object.assign(new EventTarget(), { controller: null as unknown })
    const reload = vi.fn()
    const update = new AppUpdateController(host, { save: () => Promise.resolve(), reload, serviceWorker: container })
    update.register(() => async () => {})
    container.dispatchEvent(new Event('controllerchange')) // clientsClaim on the first visit
    expect(update.visible).toBe(false)
    container.dispatchEvent(new Event('controllerchange')) // a later version
    expect(update.visible).toBe(true)
    expect(reload).not.toHaveBeenCalled()
  })

  it('reloads a page no version controlled when it loaded once the one it asked for takes it (a hard reload)', async () => {
    const host = fakeHost()
    const container = Object.assign(new EventTarget(), { controller: null as unknown })
    const reload = vi.fn()
    let sw: RegisterSWOptions = {}
    const update = new AppUpdateController(host, { save: () => Promise.resolve(), reload, serviceWorker: container })
    update.register((options) => {
      sw = options
      return async () => void container.dispatchEvent(new Event('controllerchange')) // skip waiting, claimed
    })
    sw.onNeedRefresh!() // a version was waiting already
    await update.reloadNow()
    expect(reload).toHaveBeenCalledTimes(1)
  })

  it('dismiss hides the banner until the next version', () => {
    const { update, sw } = start()
    sw().onNeedRefresh!()
    update.dismiss()
    expect(update.visible).toBe(false)
    sw().onNeedRefresh!()
    expect(update.visible).toBe(true)
  })
})

describe('AppUpdateController when the new version does not take over', () => {
  it('offers Reload again, saying so, once it has not controlled the page in time', async () => {
    vi.useFakeTimers()
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const host = fakeHost()
      const container = Object.assign(new EventTarget(), { controller: {} as unknown })
      const reload = vi.fn()
      const updateSW = vi.fn(async () => {})
      let sw: RegisterSWOptions = {}
      const update = new AppUpdateController(host, { save: () => Promise.resolve(), reload, serviceWorker: container, takeOverMs: 1000 })
      update.register((options) => {
        sw = options
        return updateSW
      })
      sw.onNeedRefresh!()
      await update.reloadNow()
      expect(update.state).toBe('reloading')
      await vi.advanceTimersByTimeAsync(999)
      expect(update.state).toBe('reloading')
      await vi.advanceTimersByTimeAsync(1)
      expect(update.state).toBe('ready')
      expect(update.error).toMatch(/could not be started/)
      container.dispatchEvent(new Event('controllerchange')) // late: offered, not forced
      expect(reload).not.toHaveBeenCalled()
      await update.reloadNow() // now it controls the page: a plain reload loads it
      expect(reload).toHaveBeenCalledTimes(1)
      expect(updateSW).toHaveBeenCalledTimes(1)
    } finally {
      error.mockRestore()
      vi.useRealTimers()
    }
  })

  it('does not give up on a version that took over in time', async () => {
    vi.useFakeTimers()
    try {
      const { update, sw, reload, controllerChanged } = start()
      sw().onNeedRefresh!()
      await update.reloadNow()
      await vi.advanceTimersByTimeAsync(5000)
      controllerChanged()
      expect(reload).toHaveBeenCalledTimes(1)
      await vi.advanceTimersByTimeAsync(60_000)
      expect(update.state).toBe('reloading')
      expect(update.error).toBeNull()
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('AppUpdateController: ready to work offline', () => {
  it('shows the notice once the app is cached, for a few seconds, or until dismissed', async () => {
    vi.useFakeTimers()
    try {
      const host = fakeHost()
      let sw: RegisterSWOptions = {}
      const update = new AppUpdateController(host, { save: () => Promise.resolve(), serviceWorker: null, noticeMs: 1000 })
      update.register((options) => {
        sw = options
        return async () => {}
      })
      expect(update.offlineReady).toBe(false)
      sw.onOfflineReady!()
      expect(update.offlineReady).toBe(true)
      expect(update.visible).toBe(false) // not the update banner
      await vi.advanceTimersByTimeAsync(999)
      expect(update.offlineReady).toBe(true)
      await vi.advanceTimersByTimeAsync(1)
      expect(update.offlineReady).toBe(false)
      sw.onOfflineReady!()
      update.dismissOfflineReady()
      expect(update.offlineReady).toBe(false)
      await vi.advanceTimersByTimeAsync(5000)
      expect(update.offlineReady).toBe(false)
    } finally {
      vi.useRealTimers()
    }
  })
})
