/** Build of the PWA: Preact app shell plus an injectManifest service worker, deployable at any base path (APP_BASE); admin.html is the HO fleet console, a second entry left out of the precache. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const THEME_COLOR = '#0f766e';
const BACKGROUND_COLOR = '#f4f7f7';

/** Normalises APP_BASE (e.g. "pos" or "/pos") to the "/pos/" form Vite expects; rejects full URLs. */
function appBase(raw: string | undefined): string {
  const value = (raw ?? '/').trim();
  if (/^[a-z]+:/i.test(value) || value.includes('?') || value.includes('#')) {
    throw new Error(`APP_BASE must be a path such as /pos/, got "${value}"`);
  }
  const trimmed = value.replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}/` : '/';
}

/** The version shown in settings: APP_VERSION when a deployer tags a build, else package.json's. */
function appVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return process.env.APP_VERSION?.trim() || pkg.version;
}

export default defineConfig({
  base: appBase(process.env.APP_BASE),
  define: { __APP_VERSION__: JSON.stringify(appVersion()) },
  plugins: [
    preact(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      // The fleet console (admin.html, second entry) is for Head Office, not for terminals to cache.
      injectManifest: { globIgnores: ['admin.html', 'assets/admin-*'] },
      includeAssets: ['favicon.png', 'apple-touch-icon.png'],
      // start_url and scope default to the resolved Vite base, so a /pos/ build gets /pos/ for both.
      manifest: {
        name: 'Product Photo Sync',
        short_name: 'Photo Sync',
        description:
          'Every product photo of your store, synced from Head Office and available offline at the till.',
        lang: 'en',
        display: 'standalone',
        theme_color: THEME_COLOR,
        background_color: BACKGROUND_COLOR,
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          {
            src: 'icons/maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
    }),
  ],
  build: {
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('./index.html', import.meta.url)),
        admin: fileURLToPath(new URL('./admin.html', import.meta.url)),
      },
    },
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': 'http://127.0.0.1:8000' },
  },
});
