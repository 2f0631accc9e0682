// Entry point: registers the service worker (the offline app shell) and the root element.
import { registerSW } from 'virtual:pwa-register'
import './elements/crm-app'

registerSW({ immediate: true })
