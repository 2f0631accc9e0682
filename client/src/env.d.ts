// Types of Vite's client environment and vite-plugin-pwa's virtual registration module.
/// <reference types="vite/client" />
/// <reference types="vite-plugin-pwa/client" />
