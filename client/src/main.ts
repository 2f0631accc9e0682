// Entry point: defines the root element and registers the service worker (the offline app shell)
// through it, so a new version waits for the user instead of reloading the page (crm-app).
import { registerSW } from 'virtual:pwa-register'
import './elements/crm-app'

const app = document.querySelector('crm-app')
if (!app) throw new Error('index.html has no <crm-app>')
app.registerServiceWorker(registerSW)
