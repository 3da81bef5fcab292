/**
 * What actions need from their context: the session cookie and request metadata. The signed-in
 * user comes from src/lib/signed-in.ts (requireUser, requireActor), shared with the pages.
 */
import type { ActionAPIContext } from 'astro:actions';
import { SESSION_COOKIE, type NewSession } from '#src/server/auth/session.ts';
import { sessionCookieOptions } from '#src/lib/cookies.ts';
import { config } from '#src/server/config.ts';

export function isSecure(ctx: ActionAPIContext): boolean {
  return ctx.url.protocol === 'https:' || (config.publicOrigin ?? '').startsWith('https:');
}

export function setSessionCookie(ctx: ActionAPIContext, created: NewSession): void {
  const expires = new Date(created.session.createdAt.getTime() + config.sessionAbsoluteMs);
  ctx.cookies.set(SESSION_COOKIE, created.token, sessionCookieOptions(isSecure(ctx), expires));
}

export function meta(ctx: ActionAPIContext) {
  return { ip: ctx.locals.ip, userAgent: ctx.request.headers.get('user-agent') };
}
