/**
 * The request time limit: a page that is not ready within the limit is answered with a translated
 * 503 page (Retry-After) instead of keeping its visitor waiting behind a crowd. Only reads are cut:
 * a form post may already have written, and a 503 would tell its author it had not.
 */
import { translate, type Lang } from '#src/i18n/index.ts';
import { escapeHtml } from '#src/server/html.ts';

/**
 * A self-contained page: it must cost next to nothing to produce, since it is sent exactly when
 * the server is short of time (no layout, no database, no stylesheet).
 */
export function unavailablePage(lang: Lang, retryPath: string): Response {
  const t = (key: Parameters<typeof translate>[1]) => escapeHtml(translate(lang, key));
  // Only a path on this site ("//host" or "/\\host" would leave it).
  const retry = /^\/(?![/\\])/.test(retryPath) ? retryPath : `/${lang}/`;
  const html = `<!doctype html>
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
  return new Response(html, {
    status: 503,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Retry-After': '5', 'Cache-Control': 'no-store' },
  });
}

/**
 * `work`'s response, or the 503 page when it is not ready within `limitMs`. A late response is
 * discarded (its body cancelled) when it arrives.
 */
export async function withTimeLimit(work: Promise<Response>, limitMs: number, onTimeout: () => Response): Promise<Response> {
  let timer: NodeJS.Timeout | undefined;
  const late = Symbol('late');
  const deadline = new Promise<typeof late>((resolve) => {
    timer = setTimeout(() => resolve(late), limitMs);
  });
  const started = performance.now();
  try {
    const first = await Promise.race([work, deadline]);
    // A page whose work never yielded to the timer but still ran past the limit counts as late too.
    if (first !== late && performance.now() - started <= limitMs) return first;
    if (first !== late) void first.body?.cancel().catch(() => {});
    else void work.then((r) => r.body?.cancel().catch(() => {})).catch(() => {});
    return onTimeout();
  } finally {
    clearTimeout(timer);
  }
}
