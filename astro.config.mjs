// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import { fileURLToPath } from 'node:url';
import { precompress } from './src/server/http/precompress.ts';
import { purgeUswds } from './scripts/lib/purge-uswds.ts';
import { FORUM_ROUTES } from './src/i18n/forum-paths.ts';

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

/**
 * The forum speaks each language in its addresses too (/es/foros/hilos/12, /en/forums/threads/12):
 * every page under src/pages/_forum/ (underscore: not routed by its file name) is injected under
 * both spellings; the page sends a mixed address (/en/foros/…) to the right one.
 */
const forumRoutes = {
  name: 'armas-cruzadas:forum-routes',
  hooks: {
    /** @param {{ injectRoute: (route: { pattern: string, entrypoint: string }) => void }} options */
    'astro:config:setup': ({ injectRoute }) => {
      for (const [page, spellings] of Object.entries(FORUM_ROUTES)) {
        const entrypoint = `./src/pages/_forum/${page}.${page === 'mentions' ? 'ts' : 'astro'}`;
        for (const path of Object.values(spellings)) injectRoute({ pattern: `/[lang]/${path}`, entrypoint });
      }
    },
  },
};

export default defineConfig({
  output: 'server',
  // Middleware mode: the build exports a request handler, and our own server (scripts/serve.ts,
  // src/server/http/) adds a process per core, static caching, compression and a graceful stop.
  adapter: node({ mode: 'middleware' }),
  integrations: [precompressAssets, forumRoutes],
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
