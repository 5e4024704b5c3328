import { defineConfig } from "vite";
import vue from "@vitejs/plugin-vue";
import Components from "unplugin-vue-components/vite";
import { VantResolver } from "@vant/auto-import-resolver";
import { VitePWA } from "vite-plugin-pwa";

// Served by Django at /app/ (config/consumer_app.py): the build goes to dist/app/, and
// WHITENOISE_ROOT is dist/, so /app/assets/… are plain files and every other /app/… path
// falls back to index.html (history-mode routes).
export default defineConfig({
  base: "/app/",
  build: { outDir: "dist/app", emptyOutDir: true, chunkSizeWarningLimit: 400 },
  plugins: [
    vue(),
    // Vant per component: only what a template uses is bundled, with its own CSS.
    Components({ resolvers: [VantResolver()], dts: false }),
    VitePWA({
      registerType: "autoUpdate",
      injectRegister: false,
      manifest: {
        name: "O2O 本地生活",
        short_name: "本地生活",
        lang: "zh-CN",
        start_url: "/app/",
        scope: "/app/",
        display: "standalone",
        theme_color: "#1989fa",
        background_color: "#f7f8fa",
        icons: [{ src: "icon.svg", sizes: "any", type: "image/svg+xml" }],
      },
      workbox: {
        // The shell (JS, CSS, index) is precached so the QR screens open without network; the
        // QR payloads themselves are kept in localStorage per account (src/lib/offline.ts).
        // API answers are never cached by the service worker: they are personal.
        globPatterns: ["**/*.{js,css,html,svg}"],
        navigateFallback: "/app/index.html",
        navigateFallbackAllowlist: [/^\/app\//],
        cleanupOutdatedCaches: true,
        // Web Push: shows what the server pushes and opens the app on a click (public/).
        importScripts: ["push-handler.js"],
      },
    }),
  ],
});
