// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';

export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
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
  },
});
