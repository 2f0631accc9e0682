// Build and dev server of the web app. The dev server proxies the API and the relay to a server
// started with `npm run dev` (port 8787); the build adds a service worker that precaches the app
// shell, so after one visit the app loads and works with no network; a new version is offered,
// never forced (registerType 'prompt').
import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

const API = process.env['CRM_API_URL'] ?? 'http://127.0.0.1:8787'

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      onwarn(warning, warn) {
        // zod's sources carry /*#__PURE__*/ comments Rollup cannot place; harmless noise.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return
        warn(warning)
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: API, changeOrigin: true },
      '/sync': { target: API.replace(/^http/, 'ws'), ws: true },
    },
  },
  plugins: [
    VitePWA({
      // A new version waits until the user presses Reload (crm-update-banner): 'autoUpdate' with
      // skipWaiting reloaded every open tab in the middle of a form or an import preview.
      registerType: 'prompt',
      injectRegister: false, // src/main.ts registers it (virtual:pwa-register)
      includeAssets: ['icons/icon.svg', 'icons/apple-touch-icon.png'],
      manifest: {
        name: 'CRM Field Sales',
        short_name: 'Field CRM',
        description: 'Customers on your phone, with or without a network.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#f6f7f9',
        theme_color: '#0f766e',
        icons: [
          { src: '/icons/icon.svg', sizes: 'any', type: 'image/svg+xml' },
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // The phone-number metadata makes the main chunk large; it must still be precached.
        maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
        navigateFallback: '/index.html',
        // The API, the relay and the ops endpoints are never answered by the app shell.
        navigateFallbackDenylist: [/^\/api\//, /^\/sync\//, /^\/health/, /^\/metrics/],
        // The first version controls the page that installed it (offline at once); later ones
        // wait (no skipWaiting) until the app sends SKIP_WAITING on the user's Reload.
        clientsClaim: true,
        cleanupOutdatedCaches: true,
      },
    }),
  ],
})
