/**
 * The request time limit: a page that is not ready within the limit is answered with a translated
 * 503 page (Retry-After) instead of keeping its visitor waiting behind a crowd. Only reads are cut:
 * a form post may already have written, and a 503 would tell its author it had not.
 *
 * The limit counts from the moment the request reached our HTTP server (`locals.arrivedAt`), not
 * from when the middleware gets to it: time spent waiting behind other requests counts too.
 */
import type { Lang } from '#src/i18n/index.ts';
import { BUSY_HEADERS, busyPageHtml } from '#src/server/http/busy-page.ts';

export function unavailablePage(lang: Lang, retryPath: string): Response {
  return new Response(busyPageHtml(lang, retryPath), { status: 503, headers: BUSY_HEADERS });
}

/**
 * `work`'s response, or the 503 page when it is not ready `limitMs` after `startedAt` (a
 * `performance.now()` time; default now). A request already past its limit when it gets here is
 * answered at once and its work never started. A late response is discarded (its body cancelled).
 */
export async function withTimeLimit(
  work: () => Promise<Response>,
  limitMs: number,
  onTimeout: () => Response,
  startedAt: number = performance.now(),
): Promise<Response> {
  const remaining = startedAt + limitMs - performance.now();
  if (remaining <= 0) return onTimeout();
  let timer: NodeJS.Timeout | undefined;
  const late = Symbol('late');
  const deadline = new Promise<typeof late>((resolve) => {
    timer = setTimeout(() => resolve(late), remaining);
  });
  const pending = work();
  try {
    const first = await Promise.race([pending, deadline]);
    // A page whose work never yielded to the timer but still ran past the limit counts as late too.
    if (first !== late && performance.now() - startedAt <= limitMs) return first;
    if (first !== late) void first.body?.cancel().catch(() => {});
    else void pending.then((r) => r.body?.cancel().catch(() => {})).catch(() => {});
    return onTimeout();
  } finally {
    clearTimeout(timer);
  }
}
