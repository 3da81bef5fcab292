import { eq, sql } from 'drizzle-orm';
import { agencies, users } from '#db/schema/index.ts';
import { actorOf, audit } from '#src/server/audit.ts';
import { config } from '#src/server/config.ts';
import { db } from '#src/server/db.ts';
import { DomainError } from '#src/server/errors.ts';
import { burnPasswordTime, hashPassword, passwordProblem, verifyPassword } from './password.ts';
import { createSession, invalidateUserSessions, type NewSession, type SessionUser } from './session.ts';
import { mfaRequiredFor } from './mfa-policy.ts';
import { accountKey, clearThrottle, ipKey, lockedUntil, recordAccountFailure, recordIpFailure } from './throttle.ts';

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export type SignInResult =
  | {
      ok: true;
      session: NewSession;
      userId: string;
      preferredLang: 'es' | 'en';
      /** `verify`: the account has a second factor, asked next; `setup`: it must set one up first; `none`: signed in. */
      secondFactor: 'verify' | 'setup' | 'none';
    }
  | { ok: false; reason: 'invalid_credentials' }
  | { ok: false; reason: 'account_locked'; until: Date }
  | { ok: false; reason: 'ip_limited'; until: Date };

/**
 * Password sign-in with throttling: a locked account or address is refused before the password
 * is checked; failures are counted per account and per IP; errors never say which part was wrong.
 */
export async function signIn(emailInput: string, password: string, meta: RequestMeta): Promise<SignInResult> {
  const email = normalizeEmail(emailInput);
  const now = Date.now();
  if (meta.ip) {
    const ipLock = await lockedUntil(ipKey(meta.ip), now);
    if (ipLock) {
      await audit({ email, ip: meta.ip }, { action: 'auth.sign_in', outcome: 'denied', detail: { reason: 'ip_limited' } });
      return { ok: false, reason: 'ip_limited', until: ipLock };
    }
  }
  const accountLock = await lockedUntil(accountKey(email), now);
  if (accountLock) {
    await audit({ email, ip: meta.ip }, { action: 'auth.sign_in', outcome: 'denied', detail: { reason: 'account_locked' } });
    return { ok: false, reason: 'account_locked', until: accountLock };
  }

  const [user] = await db()
    .select({
      id: users.id,
      passwordHash: users.passwordHash,
      disabled: users.disabled,
      preferredLang: users.preferredLang,
      role: users.role,
      agencyCode: agencies.code,
      factorCount: sql<number>`(SELECT count(*) FROM mfa_totp t WHERE t.user_id = ${users.id} AND t.confirmed_at IS NOT NULL) + (SELECT count(*) FROM passkeys p WHERE p.user_id = ${users.id})`,
    })
    .from(users)
    .innerJoin(agencies, eq(agencies.id, users.agencyId))
    .where(eq(users.emailNormalized, email))
    .limit(1);

  let valid = false;
  if (user) valid = await verifyPassword(user.passwordHash, password);
  else await burnPasswordTime(password);

  if (!user || !valid || user.disabled) {
    const actor = { userId: user?.id ?? null, email, agencyCode: user?.agencyCode ?? null, ip: meta.ip };
    await audit(actor, {
      action: 'auth.sign_in',
      outcome: 'failed',
      detail: { reason: user?.disabled && valid ? 'disabled' : 'bad_credentials' },
    });
    if (meta.ip) {
      const ipLockedNow = await recordIpFailure(meta.ip, now);
      if (ipLockedNow) await audit({ ip: meta.ip }, { action: 'auth.ip_limited', target: meta.ip, outcome: 'ok' });
    }
    const lockedNow = await recordAccountFailure(email, now);
    if (lockedNow) {
      await audit(actor, {
        action: 'auth.lockout',
        target: email,
        detail: { failures: config.lockoutFailures, until: lockedNow.toISOString() },
      });
      return { ok: false, reason: 'account_locked', until: lockedNow };
    }
    return { ok: false, reason: 'invalid_credentials' };
  }

  await clearThrottle(accountKey(email));
  const actor = { userId: user.id, email, agencyCode: user.agencyCode, ip: meta.ip };
  // An account with a second factor gets a session that opens only the second step (10 minutes).
  if (Number(user.factorCount) > 0) {
    const session = await createSession(user.id, meta, db(), { mfaPending: true });
    await audit(actor, { action: 'auth.password_verified', detail: { secondFactor: 'pending' } });
    return { ok: true, session, userId: user.id, preferredLang: user.preferredLang, secondFactor: 'verify' };
  }
  const session = await createSession(user.id, meta);
  const setup = mfaRequiredFor(user.role, config.mfaRequired);
  await audit(actor, { action: 'auth.sign_in', detail: setup ? { secondFactor: 'setup_required' } : undefined });
  return { ok: true, session, userId: user.id, preferredLang: user.preferredLang, secondFactor: setup ? 'setup' : 'none' };
}

export async function recordSignOut(user: SessionUser, ip: string | null): Promise<void> {
  await audit(actorOf(user, ip), { action: 'auth.sign_out' });
}

/** Changing the password ends every session; the caller issues a fresh one. */
export async function changePassword(user: SessionUser, current: string, next: string, meta: RequestMeta): Promise<NewSession> {
  const [row] = await db().select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, user.id)).limit(1);
  if (!row || !(await verifyPassword(row.passwordHash, current))) throw new DomainError('current_password_wrong', 'currentPassword');
  const problem = await passwordProblem(next);
  if (problem) throw new DomainError(problem, 'newPassword');
  const passwordHash = await hashPassword(next);
  return db().transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, user.id));
    await invalidateUserSessions(user.id, tx);
    await audit(actorOf(user, meta.ip), { action: 'auth.password_changed', target: user.id }, tx);
    // The new session keeps the verification the old one had (step-up already passed to get here).
    return createSession(user.id, meta, tx, { verified: true });
  });
}

export async function setPreferredLang(userId: string, lang: 'es' | 'en'): Promise<void> {
  await db().update(users).set({ preferredLang: lang, updatedAt: new Date() }).where(eq(users.id, userId));
}

/** The reader's time zone for dates and times (null: their agency's country's zone). */
export async function setTimeZone(userId: string, timeZone: string | null): Promise<void> {
  await db().update(users).set({ timeZone, updatedAt: new Date() }).where(eq(users.id, userId));
}
