/**
 * Second factors: an authenticator app (TOTP) with one-time recovery codes, and passkeys
 * (passkeys.ts). Set-up, verification with throttling and lockout, removal, admin reset; every
 * event goes to the audit log. Secrets never leave this module except to the page that shows the
 * QR code during set-up, and recovery codes only once, when they are made.
 */
import { and, count, eq, isNotNull, isNull, lt } from 'drizzle-orm';
import { mfaRecoveryCodes, mfaTotp, passkeys, sessions, users } from '#db/schema/index.ts';
import { actorOf, audit, requirePrivilege, type Actor } from '#src/server/audit.ts';
import { config } from '#src/server/config.ts';
import { db, type Executor } from '#src/server/db.ts';
import { DomainError } from '#src/server/errors.ts';
import { mfaRequiredFor } from './mfa-policy.ts';
import { verifyPassword } from './password.ts';
import { createSession, invalidateUserSessions, markSessionVerified, type NewSession, type SessionUser } from './session.ts';
import { clearThrottle, lockedUntil, mfaKey, recordIpFailure, recordMfaFailure } from './throttle.ts';
import {
  RECOVERY_CODE_COUNT,
  hashRecoveryCode,
  looksLikeRecoveryCode,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  groupedSecret,
  totpQrSvg,
  totpUri,
} from './totp.ts';
import type { AdminActor } from './invitations.ts';
import type { RequestMeta } from './accounts.ts';

/** Who is giving a second factor: a session waiting for it after the password, or a signed-in user stepping up. */
export interface MfaSubject {
  userId: string;
  email: string;
  agencyCode: string;
  sessionId: string;
}

const actorFor = (s: { userId: string; email: string; agencyCode: string }, ip: string | null): Actor => ({
  userId: s.userId,
  email: s.email,
  agencyCode: s.agencyCode,
  ip,
});

export interface PasskeyListing {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface MfaStatus {
  totpEnabledAt: Date | null;
  /** A secret made by "set up" and not yet confirmed with a first code. */
  totpSetupPending: boolean;
  recoveryRemaining: number;
  passkeys: PasskeyListing[];
  /** Confirmed factors (the app counts once; each passkey once). */
  factorCount: number;
}

export async function mfaStatus(userId: string): Promise<MfaStatus> {
  const [totp] = await db().select().from(mfaTotp).where(eq(mfaTotp.userId, userId)).limit(1);
  const [remaining] = await db()
    .select({ n: count() })
    .from(mfaRecoveryCodes)
    .where(and(eq(mfaRecoveryCodes.userId, userId), isNull(mfaRecoveryCodes.usedAt)));
  const keys = await db()
    .select({ id: passkeys.id, name: passkeys.name, createdAt: passkeys.createdAt, lastUsedAt: passkeys.lastUsedAt })
    .from(passkeys)
    .where(eq(passkeys.userId, userId))
    .orderBy(passkeys.createdAt);
  const totpEnabledAt = totp?.confirmedAt ?? null;
  return {
    totpEnabledAt,
    totpSetupPending: !!totp && !totp.confirmedAt,
    recoveryRemaining: remaining?.n ?? 0,
    passkeys: keys,
    factorCount: (totpEnabledAt ? 1 : 0) + keys.length,
  };
}

/** Whether this user must have a second factor under the portal's policy (MFA_REQUIRED). */
export function mustHaveSecondFactor(user: Pick<SessionUser, 'role'>): boolean {
  return mfaRequiredFor(user.role, config.mfaRequired);
}

// ---------------------------------------------------------------------------------------
// TOTP set-up

export interface TotpSetup {
  secret: string;
  grouped: string;
  uri: string;
  qrSvg: string;
}

function setupView(secret: string, email: string): TotpSetup {
  const uri = totpUri(secret, email);
  return { secret, grouped: groupedSecret(secret), uri, qrSvg: totpQrSvg(uri) };
}

/** Step 1, with the current password: a new secret, shown as a QR code until a first code confirms it. */
export async function beginTotpSetup(user: SessionUser, currentPassword: string, meta: RequestMeta): Promise<TotpSetup> {
  const [row] = await db().select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, user.id)).limit(1);
  if (!row || !(await verifyPassword(row.passwordHash, currentPassword))) {
    await audit(actorOf(user, meta.ip), { action: 'mfa.totp_setup', outcome: 'failed', detail: { reason: 'password' } });
    throw new DomainError('current_password_wrong', 'currentPassword');
  }
  const [existing] = await db().select().from(mfaTotp).where(eq(mfaTotp.userId, user.id)).limit(1);
  if (existing?.confirmedAt) throw new DomainError('totp_exists');
  const secret = newTotpSecret();
  await db()
    .insert(mfaTotp)
    .values({ userId: user.id, secret, confirmedAt: null, lastUsedStep: 0, createdAt: new Date() })
    .onConflictDoUpdate({ target: mfaTotp.userId, set: { secret, confirmedAt: null, lastUsedStep: 0, createdAt: new Date() } });
  await audit(actorOf(user, meta.ip), { action: 'mfa.totp_setup' });
  return setupView(secret, user.email);
}

/** The set-up in progress (after a reload of the page), or null. */
export async function pendingTotpSetup(user: SessionUser): Promise<TotpSetup | null> {
  const [row] = await db().select().from(mfaTotp).where(eq(mfaTotp.userId, user.id)).limit(1);
  if (!row || row.confirmedAt) return null;
  // A set-up left for more than an hour starts again (with the password).
  if (Date.now() - row.createdAt.getTime() > 3_600_000) return null;
  return setupView(row.secret, user.email);
}

async function replaceRecoveryCodes(userId: string, executor: Executor): Promise<string[]> {
  const codes = newRecoveryCodes();
  const now = new Date();
  await executor.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
  await executor
    .insert(mfaRecoveryCodes)
    .values(codes.map((c) => ({ userId, codeHash: hashRecoveryCode(c), usedAt: null, createdAt: now })));
  return codes;
}

/**
 * Step 2: the first code from the app confirms the secret. Returns the ten recovery codes when
 * the account had none left (shown once), else null. The session counts as verified.
 */
export async function confirmTotp(user: SessionUser, sessionId: string, code: string, meta: RequestMeta): Promise<string[] | null> {
  const [row] = await db().select().from(mfaTotp).where(eq(mfaTotp.userId, user.id)).limit(1);
  if (!row || row.confirmedAt) throw new DomainError('totp_no_setup');
  await refuseWhileLocked(user.id);
  const step = matchTotp(row.secret, code, row.lastUsedStep);
  if (step === null) {
    await countFailure({ userId: user.id, email: user.email, agencyCode: user.agencyCode }, meta, 'totp_setup');
    throw new DomainError('mfa_code_wrong', 'otp');
  }
  const codes = await db().transaction(async (tx) => {
    await tx.update(mfaTotp).set({ confirmedAt: new Date(), lastUsedStep: step }).where(eq(mfaTotp.userId, user.id));
    const [left] = await tx
      .select({ n: count() })
      .from(mfaRecoveryCodes)
      .where(and(eq(mfaRecoveryCodes.userId, user.id), isNull(mfaRecoveryCodes.usedAt)));
    const fresh = left && left.n > 0 ? null : await replaceRecoveryCodes(user.id, tx);
    await markSessionVerified(sessionId, tx);
    await audit(actorOf(user, meta.ip), { action: 'mfa.totp_enabled', detail: { recoveryCodes: fresh ? fresh.length : 'kept' } }, tx);
    return fresh;
  });
  await clearThrottle(mfaKey(user.id));
  return codes;
}

/** A required account keeps at least one factor; others may remove their last one. */
async function refuseLastFactor(user: SessionUser, removing: 'totp' | 'passkey'): Promise<void> {
  const status = await mfaStatus(user.id);
  const left = status.factorCount - 1;
  if (left < 1 && mustHaveSecondFactor(user)) throw new DomainError(removing === 'totp' ? 'mfa_last_factor' : 'mfa_last_passkey');
}

export async function removeTotp(user: SessionUser, meta: RequestMeta): Promise<void> {
  const [row] = await db().select().from(mfaTotp).where(eq(mfaTotp.userId, user.id)).limit(1);
  if (!row) return;
  if (row.confirmedAt) await refuseLastFactor(user, 'totp');
  await db().transaction(async (tx) => {
    await tx.delete(mfaTotp).where(eq(mfaTotp.userId, user.id));
    // Recovery codes stand in for the app; with passkeys only, they are not needed.
    await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, user.id));
    await audit(actorOf(user, meta.ip), { action: 'mfa.totp_removed' }, tx);
  });
}

/** Ten new codes; the old ones stop working. Shown once. */
export async function regenerateRecoveryCodes(user: SessionUser, meta: RequestMeta): Promise<string[]> {
  const status = await mfaStatus(user.id);
  if (!status.totpEnabledAt) throw new DomainError('totp_no_setup');
  return db().transaction(async (tx) => {
    const codes = await replaceRecoveryCodes(user.id, tx);
    await audit(actorOf(user, meta.ip), { action: 'mfa.recovery_codes_generated', detail: { count: RECOVERY_CODE_COUNT } }, tx);
    return codes;
  });
}

// ---------------------------------------------------------------------------------------
// Verification (sign-in's second step, and step-up)

export class MfaLocked extends Error {
  readonly until: Date;
  constructor(until: Date) {
    super('second factor locked');
    this.name = 'MfaLocked';
    this.until = until;
  }
}

async function refuseWhileLocked(userId: string): Promise<void> {
  const until = await lockedUntil(mfaKey(userId));
  if (until) throw new MfaLocked(until);
}

async function countFailure(subject: Omit<MfaSubject, 'sessionId'>, meta: RequestMeta, method: string): Promise<void> {
  const actor = actorFor(subject, meta.ip);
  await audit(actor, { action: 'mfa.failed', outcome: 'failed', detail: { method } });
  if (meta.ip) await recordIpFailure(meta.ip);
  const lockedNow = await recordMfaFailure(subject.userId);
  if (lockedNow) {
    await audit(actor, {
      action: 'mfa.lockout',
      target: subject.email,
      detail: { failures: config.lockoutFailures, until: lockedNow.toISOString() },
    });
    throw new MfaLocked(lockedNow);
  }
}

export type VerifiedBy = 'totp' | 'recovery_code';

/**
 * Checks a code from the authenticator app (accepted once, ±1 step) or a recovery code (each
 * works once). Wrong codes count towards a lockout of the second-factor step; a locked step
 * refuses even the right code until the lock ends (MfaLocked). Throws DomainError on a wrong code.
 */
export async function verifyCode(subject: MfaSubject, code: string, meta: RequestMeta): Promise<VerifiedBy> {
  await refuseWhileLocked(subject.userId);
  const actor = actorFor(subject, meta.ip);
  const typed = code.trim();
  const [totp] = await db()
    .select()
    .from(mfaTotp)
    .where(and(eq(mfaTotp.userId, subject.userId), isNotNull(mfaTotp.confirmedAt)))
    .limit(1);
  if (totp && /^[\d\s-]{6,9}$/.test(typed)) {
    const step = matchTotp(totp.secret, typed, totp.lastUsedStep);
    // The update only succeeds for a later step: two requests racing with one code, one wins.
    const accepted =
      step !== null &&
      (
        await db()
          .update(mfaTotp)
          .set({ lastUsedStep: step })
          .where(and(eq(mfaTotp.userId, subject.userId), lt(mfaTotp.lastUsedStep, step)))
          .returning({ userId: mfaTotp.userId })
      ).length > 0;
    if (accepted) {
      await clearThrottle(mfaKey(subject.userId));
      await audit(actor, { action: 'mfa.verified', detail: { method: 'totp' } });
      return 'totp';
    }
  } else if (looksLikeRecoveryCode(typed)) {
    const used = await db()
      .update(mfaRecoveryCodes)
      .set({ usedAt: new Date() })
      .where(
        and(
          eq(mfaRecoveryCodes.userId, subject.userId),
          eq(mfaRecoveryCodes.codeHash, hashRecoveryCode(typed)),
          isNull(mfaRecoveryCodes.usedAt),
        ),
      )
      .returning({ id: mfaRecoveryCodes.id });
    if (used.length) {
      await clearThrottle(mfaKey(subject.userId));
      const [left] = await db()
        .select({ n: count() })
        .from(mfaRecoveryCodes)
        .where(and(eq(mfaRecoveryCodes.userId, subject.userId), isNull(mfaRecoveryCodes.usedAt)));
      await audit(actor, { action: 'mfa.recovery_code_used', detail: { remaining: left?.n ?? 0 } });
      return 'recovery_code';
    }
  }
  await countFailure(subject, meta, totp ? 'code' : 'recovery_code');
  throw new DomainError('mfa_code_wrong', 'otp');
}

/** After the second factor at sign-in: the waiting session is replaced by a full, verified one (a new id). */
export async function completeSignIn(subject: MfaSubject, meta: RequestMeta): Promise<NewSession> {
  return db().transaction(async (tx) => {
    await tx.delete(sessions).where(eq(sessions.id, subject.sessionId));
    const created = await createSession(subject.userId, meta, tx, { verified: true });
    await audit(actorFor(subject, meta.ip), { action: 'auth.sign_in', detail: { secondFactor: true } }, tx);
    return created;
  });
}

// ---------------------------------------------------------------------------------------
// Administration

/** An admin clears a member's second factors (lost phone): the member's sessions end; they set up again at the next sign-in. */
export async function resetUserMfa(admin: AdminActor, userId: string): Promise<void> {
  await requirePrivilege(admin, 'admin', { action: 'admin.mfa_reset', target: userId });
  const [target] = await db().select({ email: users.email }).from(users).where(eq(users.id, userId)).limit(1);
  if (!target) throw new DomainError('user_unknown');
  await db().transaction(async (tx) => {
    const removed = {
      totp: (await tx.delete(mfaTotp).where(eq(mfaTotp.userId, userId)).returning({ id: mfaTotp.userId })).length,
      passkeys: (await tx.delete(passkeys).where(eq(passkeys.userId, userId)).returning({ id: passkeys.id })).length,
      recoveryCodes: (await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId)).returning({ id: mfaRecoveryCodes.id }))
        .length,
    };
    await invalidateUserSessions(userId, tx);
    await audit(actorOf(admin, admin.ip), { action: 'admin.mfa_reset', target: target.email, detail: removed }, tx);
  });
  await clearThrottle(mfaKey(userId));
}
