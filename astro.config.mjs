// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import { fileURLToPath } from 'node:url';
import { precompress } from './src/server/http/precompress.ts';
import { purgeUswds } from './scripts/lib/purge-uswds.ts';

/** @type {URL | undefined} */
let clientDir;
/** Brotli and gzip copies of the static assets, made once at build (src/server/http/precompress.ts). */
const precompressAssets = {
  name: 'armas-cruzadas:precompress',
  hooks: {
    /** @param {{ config: import('astro').AstroConfig }} options */
    'astro:config:done': ({ config }) => {
      clientDir = config.build.client;
    },
    /** @param {{ logger: import('astro').AstroIntegrationLogger }} options */
    'astro:build:done': async ({ logger }) => {
      if (!clientDir) return;
      logger.info(`${await precompress(fileURLToPath(clientDir))} static files precompressed (br, gz)`);
    },
  },
};

export default defineConfig({
  output: 'server',
  // Middleware mode: the build exports a request handler, and our own server (scripts/serve.ts,
  // src/server/http/) adds a process per core, static caching, compression and a graceful stop.
  adapter: node({ mode: 'middleware' }),
  integrations: [precompressAssets],
  site: process.env.PUBLIC_ORIGIN || 'http://localhost:4321',
  i18n: {
    locales: ['es', 'en'],
    defaultLocale: 'es',
    // Our middleware decides the language of `/` (cookie, then Accept-Language, then es).
    routing: 'manual',
  },
  // Seizure imports post whole CSV or JSON files through an action.
  security: { checkOrigin: true, actionBodySizeLimit: 30 * 1024 * 1024 },
  // Our own database sessions replace Astro's file sessions (STACK-NOTES #6).
  session: false,
  build: { inlineStylesheets: 'never' },
  server: { port: Number(process.env.PORT || 4321), host: process.env.HOST || '0.0.0.0' },
  devToolbar: { enabled: false },
  vite: {
    // Bundling drizzle-orm saves ~0.7 s on the first request (STACK-NOTES #1).
    ssr: { noExternal: ['drizzle-orm'] },
    build: { assetsInlineLimit: 0 },
    // Only the USWDS rules the portal uses (scripts/lib/purge-uswds.ts); PostCSS runs at build and in dev alike.
    css: { postcss: { plugins: [purgeUswds()] } },
  },
});
