import type { APIContext, MiddlewareNext } from 'astro';
import { defineMiddleware } from 'astro:middleware';
import { DEFAULT_LANG, LANG_COOKIE, isLang, langFromAcceptLanguage, type Lang } from './i18n/locale.ts';
import { SESSION_COOKIE, validateSessionToken } from './server/auth/session.ts';
import { sessionCookieOptions } from './lib/cookies.ts';
import { hasRole } from './server/access.ts';
import { unreadCount } from './server/notifications/center.ts';
import { maybeRunSweeps } from './server/notifications/sweeps.ts';
import { config } from './server/config.ts';
import { NO_STORE, securityHeaders } from './server/http/security-headers.ts';
import { unavailablePage, withTimeLimit } from './lib/time-limit.ts';
import { PENDING_ACTIONS, SETUP_ACTIONS, mfaRequiredFor, needsStepUp } from './server/auth/mfa-policy.ts';
import { startSearchSync } from './server/search/sync.ts';
import { COUNTRY_TIME_ZONE, TIME_ZONE_COOKIE, isTimeZone } from './domain/timezones.ts';

/** Pages a visitor may open (paths after the /es or /en prefix). Everything else needs an account. */
const PUBLIC_PATHS = [
  /^\/?$/,
  /^\/sign-in\/?$/,
  // The second step of sign-in: the page itself needs a session waiting for it (or a signed-in user).
  /^\/mfa\/?$/,
  /^\/invitation\/[^/]+\/?$/,
  /^\/404\/?$/,
  // Curated content: each item's own audience decides (visitors see public items only).
  /^\/(bulletins|protocols|training)(\/.*)?$/,
  /^\/glossary\/?$/,
  /^\/feed\.xml$/,
  /^\/attachments\/.+$/,
];

/** Adds the shared security headers (src/server/http/security-headers.ts) and the cache rule. */
function withSecurityHeaders(response: Response, secure: boolean, cacheControl?: string): Response {
  // Redirect responses from Astro have immutable headers; copy when needed.
  let res = response;
  try {
    res.headers.set('X-Content-Type-Options', 'nosniff');
  } catch {
    res = new Response(response.body, response);
  }
  // A response that sets a stricter policy of its own (document downloads: sandbox) keeps it,
  // and one that forbids transformation (downloads are never compressed on the fly) keeps that.
  const ownPolicy = res.headers.get('Content-Security-Policy');
  const noTransform = /no-transform/i.test(res.headers.get('Cache-Control') ?? '');
  for (const [k, v] of Object.entries(securityHeaders(secure)))
    if (!(ownPolicy && k.toLowerCase() === 'content-security-policy')) res.headers.set(k, v);
  if (cacheControl) res.headers.set('Cache-Control', noTransform ? `${cacheControl}, no-transform` : cacheControl);
  return res;
}

/**
 * Whatever a signed-in member gets is not public: `private, no-store` always. A visitor's page is
 * public by definition (visitors see only public items), but the sign-in and invitation pages are
 * kept out of caches too; public endpoints (feeds, sitemap) keep the caching they set themselves.
 */
function cacheRuleFor(signedIn: boolean, path: string, response: Response): string | undefined {
  if (signedIn) return NO_STORE;
  if (/^\/(es|en)\/(sign-in|invitation|mfa)(\/|$)/.test(path) || path.startsWith('/_actions/')) return NO_STORE;
  return response.headers.has('Cache-Control') ? undefined : 'no-cache';
}

/** Answers that are files, not pages: no header, so no badge to count (a download pays for nothing it does not show). */
const NO_HEADER = /(\.(csv|xml|json)|\/documents\/\d+\/(download|thumbnail))$/;

/** Astro's own endpoints and the pages that live outside the language prefix. */
const ROOT_SEGMENTS = new Set(['_actions', '404', '500', 'sitemap.xml', 'healthz', 'readyz', 'internal']);

/** A malformed JSON body is the client's error (400), not the server's (Astro's action handler throws a 500). */
async function malformedJson(request: Request): Promise<boolean> {
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(request.headers.get('content-type') ?? '')) return false;
  const text = await request
    .clone()
    .text()
    .catch(() => null);
  if (text === null) return true;
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
}

function clientIp(request: Request, fallback: () => string): string | null {
  if (config.trustProxy) {
    const forwarded = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return fallback();
  } catch {
    return null;
  }
}

export const onRequest = defineMiddleware((context, next) => {
  // The search outbox worker runs in every serving process (idempotent; nothing without Meilisearch).
  startSearchSync();
  const { url, request, locals } = context;
  const limit = config.requestTimeLimitMs;
  // Reads only (see src/lib/time-limit.ts); the metrics endpoint must answer however busy we are.
  if (!limit || (request.method !== 'GET' && request.method !== 'HEAD') || url.pathname.startsWith('/internal/')) {
    return handle(context, next);
  }
  // From the request's arrival at our HTTP server (absent under `astro dev`: from now).
  const arrivedAt = locals.arrivedAt ?? performance.now();
  return withTimeLimit(
    () => handle(context, next),
    limit,
    () => {
      const segment = url.pathname.split('/')[1] ?? '';
      const lang: Lang = isLang(segment) ? segment : (locals.lang ?? DEFAULT_LANG);
      const secure = url.protocol === 'https:' || (config.publicOrigin ?? '').startsWith('https:');
      return withSecurityHeaders(unavailablePage(lang, url.pathname + url.search), secure);
    },
    arrivedAt,
  );
});

async function handle(context: APIContext, next: MiddlewareNext): Promise<Response> {
  const { url, cookies, locals, request } = context;
  const secure = url.protocol === 'https:' || (config.publicOrigin ?? '').startsWith('https:');
  // In production the server wrapper serves /_astro/* before Astro runs; this covers `astro dev`.
  if (url.pathname.startsWith('/_astro/')) return withSecurityHeaders(await next(), secure);

  locals.origin = config.publicOrigin ? new URL(config.publicOrigin).origin : url.origin;
  const segment = url.pathname.split('/')[1] ?? '';
  const cookieLang = cookies.get(LANG_COOKIE)?.value;
  const preferred: Lang = isLang(cookieLang)
    ? cookieLang
    : (langFromAcceptLanguage(request.headers.get('accept-language')) ?? DEFAULT_LANG);

  // Every state-changing request must come from our own pages. Astro's checkOrigin covers form
  // posts only (STACK-NOTES #5); this also covers JSON and any other body, as Lucia's guide advises.
  if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
    const origin = request.headers.get('origin');
    const allowed = new Set([url.origin, ...(config.publicOrigin ? [new URL(config.publicOrigin).origin] : [])]);
    const sameSite = request.headers.get('sec-fetch-site');
    if (origin ? !allowed.has(origin) : sameSite !== null && sameSite !== 'same-origin' && sameSite !== 'none') {
      return withSecurityHeaders(new Response('Cross-site request refused', { status: 403 }), secure, NO_STORE);
    }
    if (await malformedJson(request)) {
      return withSecurityHeaders(new Response('Malformed JSON body', { status: 400 }), secure, NO_STORE);
    }
  }

  if (url.pathname === '/') {
    const response = new Response(null, { status: 302, headers: { Location: `/${preferred}/`, Vary: 'Cookie, Accept-Language' } });
    return withSecurityHeaders(response, secure);
  }

  locals.lang = isLang(segment) ? segment : preferred;
  // Only es and en are languages: every page lives under /es or /en, and any other first segment
  // is unknown unless it is one of the few root routes. A [lang] route matched with another
  // segment ("/_x/admin") is unknown too, whatever the rest of the path (STACK-NOTES #15).
  const langRoute = context.routePattern.startsWith('/[lang]');
  if (isLang(segment) ? false : langRoute || !ROOT_SEGMENTS.has(segment)) {
    locals.ip = null;
    locals.user = null;
    locals.session = null;
    locals.unreadNotifications = 0;
    locals.mfaPending = null;
    locals.mfaSetupRequired = false;
    locals.timeZone = 'UTC';
    return withSecurityHeaders(await context.rewrite(`/${preferred}/404`), secure, 'no-cache');
  }
  locals.ip = clientIp(request, () => context.clientAddress);
  locals.user = null;
  locals.session = null;
  locals.mfaPending = null;
  locals.mfaSetupRequired = false;
  // A visitor's times follow the zone their browser named (one of the region's; else UTC, named).
  const visitorZone = cookies.get(TIME_ZONE_COOKIE)?.value;
  locals.timeZone = isTimeZone(visitorZone) ? visitorZone : 'UTC';

  const token = cookies.get(SESSION_COOKIE)?.value;
  if (token) {
    const valid = await validateSessionToken(token);
    if (valid?.session.mfaPending) {
      // Password given, second factor owed: this session is nobody yet, except on the verification page.
      const { user, session } = valid;
      locals.mfaPending = {
        userId: user.id,
        email: user.email,
        agencyCode: user.agencyCode,
        sessionId: session.id,
        preferredLang: user.preferredLang,
      };
    } else if (valid) {
      locals.user = valid.user;
      locals.session = valid.session;
      locals.mfaSetupRequired = valid.user.factorCount === 0 && mfaRequiredFor(valid.user.role, config.mfaRequired);
      locals.timeZone = isTimeZone(valid.user.timeZone) ? valid.user.timeZone : COUNTRY_TIME_ZONE[valid.user.agencyCountry];
    } else {
      cookies.delete(SESSION_COOKIE, sessionCookieOptions(secure));
    }
  }

  // The second factor: owed after the password, to be set up first when the policy requires one,
  // or asked again (step-up) before a sensitive action. Form actions post to a page with
  // ?_action=name; JSON ones go to /_actions/name.
  const jsonAction = url.pathname.startsWith('/_actions/') ? url.pathname.slice('/_actions/'.length).replace(/\/$/, '') : null;
  const actionName = request.method === 'POST' ? (jsonAction ?? url.searchParams.get('_action')) : null;
  const pageLang: Lang = isLang(segment) ? segment : (locals.mfaPending?.preferredLang ?? locals.user?.preferredLang ?? preferred);
  const gateRest = isLang(segment) ? url.pathname.slice(segment.length + 1) : '';
  const refuseAction = (redirectTo: string, code: string) =>
    withSecurityHeaders(
      jsonAction
        ? new Response(JSON.stringify({ code, redirect: redirectTo }), { status: 403, headers: { 'Content-Type': 'application/json' } })
        : new Response(null, { status: 303, headers: { Location: redirectTo } }),
      secure,
      NO_STORE,
    );
  if (locals.mfaPending) {
    const verifyPage = `/${pageLang}/mfa`;
    if (actionName && !PENDING_ACTIONS.has(actionName)) return refuseAction(verifyPage, 'SECOND_FACTOR_REQUIRED');
    if (!actionName && isLang(segment) && !/^\/(mfa|sign-out|404)\/?$/.test(gateRest)) {
      const nextPath = url.pathname + url.search;
      return withSecurityHeaders(context.redirect(`${verifyPage}?next=${encodeURIComponent(nextPath)}`, 302), secure, NO_STORE);
    }
  } else if (locals.user && locals.mfaSetupRequired) {
    const setupPage = `/${pageLang}/mfa/setup`;
    if (actionName && !SETUP_ACTIONS.has(actionName)) return refuseAction(setupPage, 'SECOND_FACTOR_SETUP_REQUIRED');
    if (!actionName && isLang(segment) && !/^\/(mfa\/setup|sign-out|404)\/?$/.test(gateRest)) {
      return withSecurityHeaders(context.redirect(setupPage, 302), secure, NO_STORE);
    }
  } else if (locals.user && locals.session && actionName) {
    const stale = needsStepUp(actionName, locals.user.factorCount > 0, locals.session.verifiedAt, Date.now(), config.stepUpMs);
    if (stale) {
      // Back to the page the form was on once verified; the change was not made and is made again from there.
      const referer = request.headers.get('referer');
      const back = jsonAction
        ? referer && referer.startsWith(url.origin)
          ? new URL(referer).pathname
          : `/${pageLang}/account`
        : url.pathname;
      return refuseAction(`/${pageLang}/mfa?step=up&next=${encodeURIComponent(back)}`, 'STEP_UP_REQUIRED');
    }
  }

  if (isLang(segment)) {
    if (cookieLang !== segment)
      cookies.set(LANG_COOKIE, segment, { path: '/', sameSite: 'lax', secure, httpOnly: true, maxAge: 31_536_000 });
    const rest = url.pathname.slice(segment.length + 1);
    // An address that matches no page gets the 404 page, signed in or not.
    const unknownPage = context.routePattern === '/404';
    if (!locals.user && !unknownPage && !PUBLIC_PATHS.some((re) => re.test(rest))) {
      const nextPath = url.pathname + url.search;
      const reason = token ? 'expired' : 'needed';
      return withSecurityHeaders(
        context.redirect(`/${segment}/sign-in?next=${encodeURIComponent(nextPath)}&reason=${reason}`, 302),
        secure,
        NO_STORE,
      );
    }
    // The admin area does not exist for anyone else (the server functions check the role too).
    if (/^\/admin(\/|$)/.test(rest) && !hasRole(locals.user, 'admin')) {
      return withSecurityHeaders(await context.rewrite(`/${segment}/404`), secure, locals.user ? NO_STORE : 'no-cache');
    }
  }

  // The header badge: loaded here, before the page streams, so a failure cannot break a page half-sent.
  locals.unreadNotifications = 0;
  if (locals.user && isLang(segment) && !NO_HEADER.test(url.pathname)) {
    // Due-date reminders and daily digests, at most once a minute per process (no scheduler needed).
    await maybeRunSweeps();
    locals.unreadNotifications = await unreadCount(locals.user).catch((error: unknown) => {
      console.error('unread notification count failed', error);
      return 0;
    });
  }

  const response = await next();
  return withSecurityHeaders(response, secure, cacheRuleFor(locals.user !== null, url.pathname, response));
}
