/**
 * Second-factor actions: the sign-in's second step and step-up (a code or a passkey), the
 * authenticator-app set-up with its recovery codes, passkeys (register, rename, remove, sign in
 * with one alone) and the admin's reset. Passkey calls are JSON from a bundled script; they change
 * state, so each checks that it comes from our own pages (STACK-NOTES #5) beside the middleware.
 */
import { defineAction, type ActionAPIContext } from 'astro:actions';
import { z } from 'astro/zod';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { formatDate } from '#src/i18n/index.ts';
import { failWith, run } from '#src/lib/forms.ts';
import { safeNext } from '#src/lib/redirects.ts';
import { audit } from '#src/server/audit.ts';
import { config } from '#src/server/config.ts';
import {
  MfaLocked,
  beginTotpSetup,
  completeSignIn,
  confirmTotp,
  regenerateRecoveryCodes,
  removeTotp,
  resetUserMfa,
  verifyCode,
  type MfaSubject,
} from '#src/server/auth/mfa.ts';
import {
  authenticationOptions,
  registerPasskey,
  registrationOptions,
  removePasskey,
  renamePasskey,
  verifyPasskey,
  PASSKEY_NAME_MAX,
} from '#src/server/auth/passkeys.ts';
import { createSession, markSessionVerified } from '#src/server/auth/session.ts';
import { recordIpFailure } from '#src/server/auth/throttle.ts';
import { isSecure, meta, setSessionCookie } from './context.ts';
import { requireActor, requireUser } from '#src/lib/signed-in.ts';

const CHALLENGE_COOKIE = 'ac_webauthn';
const otp = z.string({ error: 'validation.required' }).trim().min(1, 'validation.required').max(40, 'validation.too_long');
const next = z.string().max(2000).optional();
const id = z.string().trim().min(1).max(200);
const passkeyName = z
  .string({ error: 'validation.required' })
  .trim()
  .min(1, 'validation.required')
  .max(PASSKEY_NAME_MAX, 'validation.too_long');
const webauthnResponse = <T>() => z.custom<T>((v) => typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string');

/** JSON calls must come from our own pages: a browser says so in Sec-Fetch-Site or Origin. */
function requireSameOrigin(ctx: ActionAPIContext): void {
  const site = ctx.request.headers.get('sec-fetch-site');
  const origin = ctx.request.headers.get('origin');
  const allowed = new Set([ctx.url.origin, ...(config.publicOrigin ? [new URL(config.publicOrigin).origin] : [])]);
  if (site === 'same-origin' || (site === null && origin !== null && allowed.has(origin))) return;
  failWith('error.forbidden', undefined, undefined, 'FORBIDDEN');
}

function lockedError(ctx: ActionAPIContext, until: Date): never {
  const time = formatDate(until, ctx.locals.lang, 'datetime', ctx.locals.timeZone);
  const minutes = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
  failWith('error.mfa_locked', 'otp', { time, minutes }, 'TOO_MANY_REQUESTS');
}

/** Whoever is giving a second factor now: a session waiting for it, or a signed-in user stepping up. */
function subjectOf(ctx: ActionAPIContext): MfaSubject {
  const pending = ctx.locals.mfaPending;
  if (pending) return pending;
  const { user, session } = requireUser(ctx.locals);
  return { userId: user.id, email: user.email, agencyCode: user.agencyCode, sessionId: session.id };
}

function setChallenge(ctx: ActionAPIContext, challengeId: string): void {
  ctx.cookies.set(CHALLENGE_COOKIE, challengeId, { path: '/', httpOnly: true, sameSite: 'strict', secure: isSecure(ctx), maxAge: 300 });
}

function takeChallengeCookie(ctx: ActionAPIContext): string {
  const value = ctx.cookies.get(CHALLENGE_COOKIE)?.value ?? '';
  ctx.cookies.delete(CHALLENGE_COOKIE, { path: '/' });
  return value;
}

export const mfaActions = {
  /** The second step: a code from the app or a recovery code; after the password, or as a step-up. */
  verifySecondFactor: defineAction({
    accept: 'form',
    input: z.object({ otp, next }),
    handler: async (input, ctx) => {
      const subject = subjectOf(ctx);
      const lang = ctx.locals.mfaPending?.preferredLang ?? ctx.locals.user?.preferredLang ?? ctx.locals.lang;
      try {
        const method = await run(() => verifyCode(subject, input.otp, meta(ctx)));
        if (ctx.locals.mfaPending) setSessionCookie(ctx, await completeSignIn(subject, meta(ctx)));
        else await markSessionVerified(subject.sessionId);
        return { redirect: safeNext(input.next, lang), method };
      } catch (error) {
        if (error instanceof MfaLocked) lockedError(ctx, error.until);
        throw error;
      }
    },
  }),

  beginTotpSetup: defineAction({
    accept: 'form',
    input: z.object({ currentPassword: z.string({ error: 'validation.required' }).min(1, 'validation.required').max(512) }),
    handler: async (input, ctx) => {
      const { user } = requireUser(ctx.locals);
      await run(() => beginTotpSetup(user, input.currentPassword, meta(ctx)));
      // The secret is shown by the set-up page (from the database), never carried in this answer.
      return { started: true as const };
    },
  }),

  confirmTotp: defineAction({
    accept: 'form',
    input: z.object({ otp }),
    handler: async (input, ctx) => {
      const { user, session } = requireUser(ctx.locals);
      try {
        const recoveryCodes = await run(() => confirmTotp(user, session.id, input.otp, meta(ctx)));
        return { done: 'mfa.totp.enabled' as const, recoveryCodes };
      } catch (error) {
        if (error instanceof MfaLocked) lockedError(ctx, error.until);
        throw error;
      }
    },
  }),

  removeTotp: defineAction({
    accept: 'form',
    handler: async (_input, ctx) => {
      const { user } = requireUser(ctx.locals);
      await run(() => removeTotp(user, meta(ctx)));
      return { done: 'mfa.totp.removed' as const, recoveryCodes: null };
    },
  }),

  regenerateRecoveryCodes: defineAction({
    accept: 'form',
    handler: async (_input, ctx) => {
      const { user } = requireUser(ctx.locals);
      const recoveryCodes = await run(() => regenerateRecoveryCodes(user, meta(ctx)));
      return { done: 'mfa.recovery.generated' as const, recoveryCodes };
    },
  }),

  renamePasskey: defineAction({
    accept: 'form',
    input: z.object({ id, name: passkeyName }),
    handler: async (input, ctx) => {
      const { user } = requireUser(ctx.locals);
      await run(() => renamePasskey(user, input.id, input.name, meta(ctx)));
      return { done: 'mfa.passkey.renamed' as const, recoveryCodes: null };
    },
  }),

  removePasskey: defineAction({
    accept: 'form',
    input: z.object({ id }),
    handler: async (input, ctx) => {
      const { user } = requireUser(ctx.locals);
      await run(() => removePasskey(user, input.id, meta(ctx)));
      return { done: 'mfa.passkey.removed' as const, recoveryCodes: null };
    },
  }),

  passkeyRegistrationOptions: defineAction({
    handler: async (_input, ctx) => {
      requireSameOrigin(ctx);
      const { user } = requireUser(ctx.locals);
      const { options, challengeId } = await registrationOptions(user, ctx.url.origin);
      setChallenge(ctx, challengeId);
      return options;
    },
  }),

  passkeyRegister: defineAction({
    input: z.object({ response: webauthnResponse<RegistrationResponseJSON>(), name: passkeyName }),
    handler: async (input, ctx) => {
      requireSameOrigin(ctx);
      const { user, session } = requireUser(ctx.locals);
      const challengeId = takeChallengeCookie(ctx);
      const added = await run(() => registerPasskey(user, challengeId, input.response, input.name, ctx.url.origin, meta(ctx)));
      // Registering with user verification proves the new factor: the session counts as verified.
      await markSessionVerified(session.id);
      return { name: added.name };
    },
  }),

  /** Options for using a passkey: any of this site's (sign-in with the passkey alone) or the account's own (second factor, step-up). */
  passkeyAuthenticationOptions: defineAction({
    handler: async (_input, ctx) => {
      requireSameOrigin(ctx);
      const userId = ctx.locals.mfaPending?.userId ?? ctx.locals.user?.id ?? null;
      const { options, challengeId } = await authenticationOptions(userId, ctx.url.origin);
      setChallenge(ctx, challengeId);
      return options;
    },
  }),

  passkeyVerify: defineAction({
    input: z.object({ response: webauthnResponse<AuthenticationResponseJSON>(), next }),
    handler: async (input, ctx) => {
      requireSameOrigin(ctx);
      const pending = ctx.locals.mfaPending;
      const signedIn = ctx.locals.user && ctx.locals.session ? { user: ctx.locals.user, session: ctx.locals.session } : null;
      const expectedUserId = pending?.userId ?? signedIn?.user.id ?? null;
      const found = await verifyPasskey(takeChallengeCookie(ctx), input.response, ctx.url.origin, expectedUserId);
      const m = meta(ctx);
      if (!found) {
        const actor =
          pending ?? (signedIn ? { userId: signedIn.user.id, email: signedIn.user.email, agencyCode: signedIn.user.agencyCode } : {});
        await audit(
          { ...actor, ip: m.ip },
          { action: expectedUserId ? 'mfa.failed' : 'auth.sign_in', outcome: 'failed', detail: { method: 'passkey' } },
        );
        if (m.ip) await recordIpFailure(m.ip);
        failWith('error.passkey_failed');
      }
      const subject = { userId: found.userId, email: found.email, agencyCode: found.agencyCode };
      const redirect = safeNext(input.next, found.preferredLang);
      if (pending) {
        await audit({ ...subject, ip: m.ip }, { action: 'mfa.verified', detail: { method: 'passkey', passkey: found.passkeyName } });
        setSessionCookie(ctx, await completeSignIn(pending, m));
      } else if (signedIn) {
        await markSessionVerified(signedIn.session.id);
        await audit({ ...subject, ip: m.ip }, { action: 'mfa.verified', detail: { method: 'passkey', passkey: found.passkeyName } });
      } else {
        // A passkey alone signs in: something the user has, unlocked by something they know or are.
        setSessionCookie(ctx, await createSession(found.userId, m, undefined, { verified: true }));
        await audit({ ...subject, ip: m.ip }, { action: 'auth.sign_in', detail: { method: 'passkey', passkey: found.passkeyName } });
      }
      return { redirect };
    },
  }),

  resetUserMfa: defineAction({
    accept: 'form',
    input: z.object({ id: z.string().trim().min(1).max(64) }),
    handler: async (input, ctx) => {
      const admin = requireActor(ctx.locals);
      await run(() => resetUserMfa(admin, input.id));
      return { done: 'admin.user.mfaReset' as const };
    },
  }),
};
