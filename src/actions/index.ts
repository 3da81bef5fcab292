/**
 * Astro Actions: parse and validate form input, call src/server, nothing else. Zod messages are
 * translation keys; src/lib/forms.ts turns failures into translated, field-named messages.
 */
import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { COUNTRIES } from '#src/domain/agencies.ts';
import { ROLES } from '#src/domain/auth.ts';
import { changePassword, recordSignOut, setPreferredLang, setTimeZone, signIn } from '#src/server/auth/accounts.ts';
import { TIME_ZONES } from '#src/domain/timezones.ts';
import { acceptInvitation, createInvitation, resendInvitation, revokeInvitation } from '#src/server/auth/invitations.ts';
import { invalidateOtherSessions, invalidateOwnSession, invalidateSession, SESSION_COOKIE } from '#src/server/auth/session.ts';
import { changeRoleAndAgency, releaseLockout, setUserDisabled } from '#src/server/admin/users.ts';
import { createAgency, updateAgency } from '#src/server/admin/agencies.ts';
import { PASSWORD_MAX } from '#src/server/auth/password.ts';
import { formatDate } from '#src/i18n/index.ts';
import { sessionCookieOptions } from '#src/lib/cookies.ts';
import { failWith, run } from '#src/lib/forms.ts';
import { requireActor, requireUser } from '#src/lib/signed-in.ts';
import { safeNext } from '#src/lib/redirects.ts';
import { notificationActions } from './notifications.ts';
import { requestActions } from './requests.ts';
import { threadActions } from './threads.ts';
import { seizureActions } from './seizures.ts';
import { documentActions } from './documents.ts';
import { mfaActions } from './mfa.ts';
import { isSecure, meta, setSessionCookie } from './context.ts';
import { searchActions } from './search.ts';

const required = (max = 200) =>
  z.string({ error: 'validation.required' }).trim().min(1, 'validation.required').max(max, 'validation.too_long');
const email = z
  .string({ error: 'validation.required' })
  .trim()
  .min(1, 'validation.required')
  .max(254, 'validation.too_long')
  .pipe(z.email('validation.email'));
const password = z
  .string({ error: 'validation.required' })
  .min(1, 'validation.required')
  .max(PASSWORD_MAX * 4, 'validation.too_long');
const lang = z.enum(['es', 'en'], { error: 'validation.invalid' });
const id = z.string().trim().min(1).max(64);

export const server = {
  ...notificationActions,
  ...requestActions,
  ...threadActions,
  ...seizureActions,
  ...documentActions,
  ...mfaActions,
  ...searchActions,
  signIn: defineAction({
    accept: 'form',
    input: z.object({ email: required(254), password, next: z.string().max(2000).optional() }),
    handler: async (input, ctx) => {
      const result = await signIn(input.email, input.password, meta(ctx));
      if (!result.ok) {
        if (result.reason === 'invalid_credentials') failWith('error.invalid_credentials');
        const time = formatDate(result.until, ctx.locals.lang, 'datetime', ctx.locals.timeZone);
        const minutes = Math.max(1, Math.ceil((result.until.getTime() - Date.now()) / 60_000));
        failWith(
          result.reason === 'account_locked' ? 'error.account_locked' : 'error.ip_limited',
          undefined,
          { time, minutes },
          'TOO_MANY_REQUESTS',
        );
      }
      setSessionCookie(ctx, result.session);
      // Without a page to go back to, the account's preferred language decides.
      const next = safeNext(input.next, result.preferredLang);
      const lang = ctx.locals.lang;
      if (result.secondFactor === 'verify') return { redirect: `/${lang}/mfa?next=${encodeURIComponent(next)}` };
      if (result.secondFactor === 'setup') return { redirect: `/${lang}/mfa/setup` };
      return { redirect: next };
    },
  }),

  signOut: defineAction({
    accept: 'form',
    handler: async (_input, ctx) => {
      if (ctx.locals.session && ctx.locals.user) {
        await invalidateSession(ctx.locals.session.id);
        await recordSignOut(ctx.locals.user, ctx.locals.ip);
      } else if (ctx.locals.mfaPending) await invalidateSession(ctx.locals.mfaPending.sessionId);
      ctx.cookies.delete(SESSION_COOKIE, sessionCookieOptions(isSecure(ctx)));
      return { redirect: `/${ctx.locals.lang}/sign-in?reason=signed_out` };
    },
  }),

  acceptInvitation: defineAction({
    accept: 'form',
    input: z
      .object({ token: id.max(100), displayName: required(120), password, passwordConfirm: password, lang })
      .refine((v) => v.password === v.passwordConfirm, { message: 'validation.password_mismatch', path: ['passwordConfirm'] }),
    handler: async (input, ctx) => {
      const created = await run(() => acceptInvitation(input.token, input, meta(ctx)));
      setSessionCookie(ctx, created);
      return { redirect: `/${input.lang}/` };
    },
  }),

  changePassword: defineAction({
    accept: 'form',
    input: z
      .object({ currentPassword: password, newPassword: password, passwordConfirm: password })
      .refine((v) => v.newPassword === v.passwordConfirm, { message: 'validation.password_mismatch', path: ['passwordConfirm'] }),
    handler: async (input, ctx) => {
      const { user } = requireUser(ctx.locals);
      const created = await run(() => changePassword(user, input.currentPassword, input.newPassword, meta(ctx)));
      setSessionCookie(ctx, created);
      return { done: 'account.passwordChanged' as const };
    },
  }),

  setLanguage: defineAction({
    accept: 'form',
    input: z.object({ lang }),
    handler: async (input, ctx) => {
      const { user } = requireUser(ctx.locals);
      await setPreferredLang(user.id, input.lang);
      return { redirect: `/${input.lang}/account?saved=lang` };
    },
  }),

  setTimeZone: defineAction({
    accept: 'form',
    // The empty choice returns to the agency's default (Astro Actions read an empty form field as null).
    input: z.object({ timeZone: z.enum(TIME_ZONES, { error: 'timezone.invalid' }).nullable() }),
    handler: async (input, ctx) => {
      const { user } = requireUser(ctx.locals);
      await setTimeZone(user.id, input.timeZone || null);
      return { done: 'timezone.saved' as const, timeZone: input.timeZone || null };
    },
  }),

  endSession: defineAction({
    accept: 'form',
    input: z.object({ sessionId: id }),
    handler: async (input, ctx) => {
      const { user } = requireUser(ctx.locals);
      await invalidateOwnSession(user.id, input.sessionId);
      return { done: 'account.session.ended' as const };
    },
  }),

  endOtherSessions: defineAction({
    accept: 'form',
    handler: async (_input, ctx) => {
      const { user, session } = requireUser(ctx.locals);
      await invalidateOtherSessions(user.id, session.id);
      return { done: 'account.session.othersEnded' as const };
    },
  }),

  createInvitation: defineAction({
    accept: 'form',
    input: z.object({
      email,
      agencyId: z.coerce.number({ error: 'validation.required' }).int().positive('validation.required'),
      role: z.enum(ROLES, { error: 'validation.invalid' }),
    }),
    handler: async (input, ctx) => {
      const admin = requireActor(ctx.locals);
      const created = await run(() => createInvitation(admin, input));
      return { email: input.email, token: created.token, expiresAt: created.expiresAt.toISOString() };
    },
  }),

  resendInvitation: defineAction({
    accept: 'form',
    input: z.object({ id, email: z.string().max(254) }),
    handler: async (input, ctx) => {
      const admin = requireActor(ctx.locals);
      const created = await run(() => resendInvitation(admin, input.id));
      return { email: input.email, token: created.token, expiresAt: created.expiresAt.toISOString() };
    },
  }),

  revokeInvitation: defineAction({
    accept: 'form',
    input: z.object({ id }),
    handler: async (input, ctx) => {
      const admin = requireActor(ctx.locals);
      await run(() => revokeInvitation(admin, input.id));
      return { done: 'admin.invite.revoked' as const };
    },
  }),

  updateUser: defineAction({
    accept: 'form',
    input: z.object({
      id,
      role: z.enum(ROLES, { error: 'validation.invalid' }),
      agencyId: z.coerce.number().int().positive('validation.required'),
    }),
    handler: async (input, ctx) => {
      const admin = requireActor(ctx.locals);
      await run(() => changeRoleAndAgency(admin, input.id, input.role, input.agencyId));
      return { done: 'admin.user.saved' as const };
    },
  }),

  setUserDisabled: defineAction({
    accept: 'form',
    input: z.object({ id, disabled: z.enum(['true', 'false']) }),
    handler: async (input, ctx) => {
      const admin = requireActor(ctx.locals);
      const disabled = input.disabled === 'true';
      await run(() => setUserDisabled(admin, input.id, disabled));
      return { done: disabled ? ('admin.user.disabledNow' as const) : ('admin.user.enabledNow' as const) };
    },
  }),

  releaseLockout: defineAction({
    accept: 'form',
    input: z.object({ id }),
    handler: async (input, ctx) => {
      const admin = requireActor(ctx.locals);
      await run(() => releaseLockout(admin, input.id));
      return { done: 'admin.user.released' as const };
    },
  }),

  createAgency: defineAction({
    accept: 'form',
    input: z.object({
      code: required(20).pipe(z.string().regex(/^[A-Za-z0-9-]{2,20}$/, 'validation.invalid')),
      nameEs: required(200),
      nameEn: required(200),
      country: z.enum(COUNTRIES, { error: 'validation.invalid' }),
    }),
    handler: async (input, ctx) => {
      const admin = requireActor(ctx.locals);
      await run(() => createAgency(admin, input));
      return { done: 'admin.agencies.saved' as const };
    },
  }),

  updateAgency: defineAction({
    accept: 'form',
    input: z.object({
      id: z.coerce.number().int().positive(),
      nameEs: required(200),
      nameEn: required(200),
      country: z.enum(COUNTRIES, { error: 'validation.invalid' }),
    }),
    handler: async (input, ctx) => {
      const admin = requireActor(ctx.locals);
      await run(() => updateAgency(admin, input.id, input));
      return { done: 'admin.agencies.saved' as const };
    },
  }),
};
