import { eq, sql } from 'drizzle-orm';
import { signInThrottle } from '#db/schema/index.ts';
import { config } from '#src/server/config.ts';
import { db } from '#src/server/db.ts';

export const accountKey = (normalizedEmail: string): string => `account:${normalizedEmail}`;
export const ipKey = (ip: string): string => `ip:${ip}`;
/** Second-factor attempts are counted per account, apart from passwords. */
export const mfaKey = (userId: string): string => `mfa:${userId}`;

/** When the key is held off until, or null when it may try. */
export async function lockedUntil(key: string, now = Date.now()): Promise<Date | null> {
  const [row] = await db().select().from(signInThrottle).where(eq(signInThrottle.key, key)).limit(1);
  if (!row?.lockedUntil || row.lockedUntil.getTime() <= now) return null;
  return row.lockedUntil;
}

/**
 * Counts one failure in a single UPSERT (atomic across processes) and locks the key when the
 * count reaches `limit` within `windowMs`. Returns the lock end when this failure locked it.
 */
async function countFailure(key: string, limit: number, windowMs: number, lockMs: number, now: number): Promise<Date | null> {
  const windowStart = now - windowMs;
  const [row] = await db()
    .insert(signInThrottle)
    .values({ key, failures: 1, windowStartedAt: new Date(now), lockedUntil: limit <= 1 ? new Date(now + lockMs) : null })
    .onConflictDoUpdate({
      target: signInThrottle.key,
      set: {
        // A window that has passed, or a lock that has ended, starts the count again.
        failures: sql`CASE WHEN ${signInThrottle.windowStartedAt} < ${windowStart} OR (${signInThrottle.lockedUntil} IS NOT NULL AND ${signInThrottle.lockedUntil} <= ${now}) THEN 1 ELSE ${signInThrottle.failures} + 1 END`,
        windowStartedAt: sql`CASE WHEN ${signInThrottle.windowStartedAt} < ${windowStart} OR (${signInThrottle.lockedUntil} IS NOT NULL AND ${signInThrottle.lockedUntil} <= ${now}) THEN ${now} ELSE ${signInThrottle.windowStartedAt} END`,
        lockedUntil: sql`CASE WHEN ${signInThrottle.lockedUntil} IS NOT NULL AND ${signInThrottle.lockedUntil} <= ${now} THEN NULL ELSE ${signInThrottle.lockedUntil} END`,
      },
    })
    .returning();
  if (!row) return null;
  if (row.failures >= limit && !row.lockedUntil) {
    const until = new Date(now + lockMs);
    await db().update(signInThrottle).set({ lockedUntil: until }).where(eq(signInThrottle.key, key));
    return until;
  }
  return null;
}

/** Consecutive failures on one account: the account is locked at the limit. */
export function recordAccountFailure(normalizedEmail: string, now = Date.now()): Promise<Date | null> {
  // Consecutive, not per window: the window is as long as the lock can matter (a day).
  return countFailure(accountKey(normalizedEmail), config.lockoutFailures, 86_400_000, config.lockoutMs, now);
}

/** Consecutive wrong second-factor codes lock the second-factor step as wrong passwords lock the password step. */
export function recordMfaFailure(userId: string, now = Date.now()): Promise<Date | null> {
  return countFailure(mfaKey(userId), config.lockoutFailures, 86_400_000, config.lockoutMs, now);
}

export function recordIpFailure(ip: string, now = Date.now()): Promise<Date | null> {
  return countFailure(ipKey(ip), config.ipFailureLimit, config.ipWindowMs, config.ipWindowMs, now);
}

/** A successful sign-in or an administrator's release clears the count. */
export async function clearThrottle(key: string): Promise<boolean> {
  const rows = await db().delete(signInThrottle).where(eq(signInThrottle.key, key)).returning({ key: signInThrottle.key });
  return rows.length > 0;
}
