/** What every action needs from its context: the session cookie, request metadata, the signed-in user. */
import type { ActionAPIContext } from 'astro:actions';
import type { AdminActor } from '#src/server/auth/invitations.ts';
import { SESSION_COOKIE, type NewSession } from '#src/server/auth/session.ts';
import { sessionCookieOptions } from '#src/lib/cookies.ts';
import { failWith } from '#src/lib/forms.ts';
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

export function requireUser(ctx: ActionAPIContext) {
  const user = ctx.locals.user;
  if (!user || !ctx.locals.session) failWith('signIn.needed', undefined, undefined, 'UNAUTHORIZED');
  return { user, session: ctx.locals.session };
}

/** The signed-in user as an admin actor; the server function decides (and audits a refusal). */
export function adminActor(ctx: ActionAPIContext): AdminActor {
  const { user } = requireUser(ctx);
  return { ...user, ip: ctx.locals.ip };
}
