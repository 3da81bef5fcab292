/**
 * The "portal is very busy" page (503): sent when a page is not ready within the request time
 * limit (src/lib/time-limit.ts) and when a process already has as many requests in flight as it
 * may take (src/server/http/server.ts). It must cost next to nothing to produce, since it is sent
 * exactly when the server is short of time: no layout, no database, no stylesheet.
 */
import { DEFAULT_LANG, LANG_COOKIE, isLang, langFromAcceptLanguage, translate, type Lang } from '#src/i18n/index.ts';
import { escapeHtml } from '../html.ts';

/** Seconds a client is asked to wait before trying again. */
export const BUSY_RETRY_AFTER_SECONDS = 5;

export const BUSY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Retry-After': String(BUSY_RETRY_AFTER_SECONDS),
  'Cache-Control': 'no-store',
};

export function busyPageHtml(lang: Lang, retryPath: string): string {
  const t = (key: Parameters<typeof translate>[1]) => escapeHtml(translate(lang, key));
  // Only a path on this site ("//host" or "/\\host" would leave it).
  const retry = /^\/(?![/\\])/.test(retryPath) ? retryPath : `/${lang}/`;
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${t('error.503.title')} · ${t('site.name')}</title></head>
<body>
<main>
<h1>${t('error.503.title')}</h1>
<p>${t('error.503.body')}</p>
<p><a href="${escapeHtml(retry)}">${t('error.503.retry')}</a> · <a href="/${lang}/">${t('error.goHome')}</a></p>
</main>
</body>
</html>`;
}

/** The language of a request before any page has run: its path's prefix, else the language cookie, else Accept-Language. */
export function requestLang(path: string, cookieHeader: string | undefined, acceptLanguage: string | undefined): Lang {
  const segment = path.split(/[/?#]/)[1] ?? '';
  if (isLang(segment)) return segment;
  const cookie = cookieHeader
    ?.split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${LANG_COOKIE}=`))
    ?.slice(LANG_COOKIE.length + 1);
  if (isLang(cookie)) return cookie;
  return langFromAcceptLanguage(acceptLanguage ?? null) ?? DEFAULT_LANG;
}
