import { and, asc, eq, gt, like, or, sql } from 'drizzle-orm';
import { agencies, signInThrottle, users, type Role } from '#db/schema/index.ts';
import { requireRole, type Reader } from '#src/server/access.ts';
import { actorOf, audit, requirePrivilege } from '#src/server/audit.ts';
import { db } from '#src/server/db.ts';
import { DomainError } from '#src/server/errors.ts';
import type { AdminActor } from '#src/server/auth/invitations.ts';
import { invalidateUserSessions } from '#src/server/auth/session.ts';
import { accountKey, clearThrottle, mfaKey } from '#src/server/auth/throttle.ts';

/** The account's lock, when one is in force now (evaluated per query, not at start-up). */
const lockJoin = () =>
  and(eq(signInThrottle.key, sql`'account:' || ${users.emailNormalized}`), gt(signInThrottle.lockedUntil, sql`${Date.now()}`));

const userColumns = {
  id: users.id,
  email: users.email,
  displayName: users.displayName,
  role: users.role,
  disabled: users.disabled,
  agencyCode: agencies.code,
  lockedUntil: signInThrottle.lockedUntil,
};

export async function listUsers(admin: Reader | null, search: string) {
  requireRole(admin, 'admin');
  const q = search.trim().toLowerCase();
  const pattern = `%${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
  return db()
    .select({ ...userColumns, preferredLang: users.preferredLang })
    .from(users)
    .innerJoin(agencies, eq(agencies.id, users.agencyId))
    .leftJoin(signInThrottle, lockJoin())
    .where(
      q
        ? or(
            sql`${users.emailNormalized} LIKE ${pattern} ESCAPE '\\'`,
            sql`lower(${users.displayName}) LIKE ${pattern} ESCAPE '\\'`,
            like(sql`lower(${agencies.code})`, pattern),
          )
        : undefined,
    )
    .orderBy(asc(users.emailNormalized))
    .limit(500);
}

export async function getUserForAdmin(admin: Reader | null, id: string) {
  requireRole(admin, 'admin');
  const [row] = await db()
    .select({ ...userColumns, agencyId: users.agencyId, createdAt: users.createdAt, emailNormalized: users.emailNormalized })
    .from(users)
    .innerJoin(agencies, eq(agencies.id, users.agencyId))
    .leftJoin(signInThrottle, lockJoin())
    .where(eq(users.id, id))
    .limit(1);
  return row ?? null;
}

/** Role or agency change ends the user's sessions, so new rights apply at once. */
export async function changeRoleAndAgency(admin: AdminActor, id: string, role: Role, agencyId: number): Promise<void> {
  await requirePrivilege(admin, 'admin', { action: 'admin.user_changed', target: id, detail: { role, agencyId } });
  const target = await getUserForAdmin(admin, id);
  if (!target) throw new DomainError('user_unknown');
  if (target.role === role && target.agencyId === agencyId) return;
  if (target.id === admin.id && role !== 'admin') throw new DomainError('cannot_demote_self', 'role');
  const [agency] = await db().select({ id: agencies.id, code: agencies.code }).from(agencies).where(eq(agencies.id, agencyId)).limit(1);
  if (!agency) throw new DomainError('agency_unknown', 'agencyId');
  await db().transaction(async (tx) => {
    await tx.update(users).set({ role, agencyId, updatedAt: new Date() }).where(eq(users.id, id));
    await invalidateUserSessions(id, tx);
    await audit(
      actorOf(admin, admin.ip),
      {
        action: 'admin.user_changed',
        target: target.email,
        detail: { from: { role: target.role, agency: target.agencyCode }, to: { role, agency: agency.code } },
      },
      tx,
    );
  });
}

export async function setUserDisabled(admin: AdminActor, id: string, disabled: boolean): Promise<void> {
  await requirePrivilege(admin, 'admin', { action: disabled ? 'admin.user_disabled' : 'admin.user_enabled', target: id });
  const target = await getUserForAdmin(admin, id);
  if (!target) throw new DomainError('user_unknown');
  if (target.id === admin.id) throw new DomainError('cannot_disable_self');
  await db().transaction(async (tx) => {
    await tx.update(users).set({ disabled, updatedAt: new Date() }).where(eq(users.id, id));
    if (disabled) await invalidateUserSessions(id, tx);
    await audit(actorOf(admin, admin.ip), { action: disabled ? 'admin.user_disabled' : 'admin.user_enabled', target: target.email }, tx);
  });
}

export async function releaseLockout(admin: AdminActor, id: string): Promise<void> {
  await requirePrivilege(admin, 'admin', { action: 'admin.lockout_released', target: id });
  const target = await getUserForAdmin(admin, id);
  if (!target) throw new DomainError('user_unknown');
  // The password step and the second-factor step have their own locks; releasing frees both.
  const passwordLock = await clearThrottle(accountKey(target.emailNormalized));
  const secondFactorLock = await clearThrottle(mfaKey(target.id));
  const released = passwordLock || secondFactorLock;
  await audit(actorOf(admin, admin.ip), { action: 'admin.lockout_released', target: target.email, outcome: released ? 'ok' : 'failed' });
}

export async function countUsersByAgency(): Promise<Map<number, number>> {
  const rows = await db()
    .select({ agencyId: users.agencyId, n: sql<number>`count(*)` })
    .from(users)
    .groupBy(users.agencyId);
  return new Map(rows.map((r) => [r.agencyId, Number(r.n)]));
}
