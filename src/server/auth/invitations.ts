import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { agencies, invitations, users, type Lang, type Role } from '#db/schema/index.ts';
import { requireRole, type Reader } from '#src/server/access.ts';
import { actorOf, audit, requirePrivilege } from '#src/server/audit.ts';
import { config } from '#src/server/config.ts';
import { db } from '#src/server/db.ts';
import { DomainError } from '#src/server/errors.ts';
import { normalizeEmail, type RequestMeta } from './accounts.ts';
import { hashPassword, passwordProblem } from './password.ts';
import { createSession, type NewSession, type SessionUser } from './session.ts';
import { randomId, sha256Hex } from './tokens.ts';

/** The admin acting, as the audit log needs it. */
export type AdminActor = SessionUser & { ip: string | null };

function newToken(): { token: string; tokenHash: string } {
  // 40 characters of 5 bits: 200 bits, more than enough for a one-time link.
  const token = randomId(40);
  return { token, tokenHash: sha256Hex(token) };
}

export interface CreatedInvitation {
  id: string;
  /** Shown once to the admin inside the link; only its hash is stored. */
  token: string;
  expiresAt: Date;
}

export async function createInvitation(
  admin: AdminActor,
  input: { email: string; agencyId: number; role: Role },
): Promise<CreatedInvitation> {
  await requirePrivilege(admin, 'admin', {
    action: 'admin.invitation_created',
    target: normalizeEmail(input.email),
    detail: { agencyId: input.agencyId, role: input.role },
  });
  const emailNormalized = normalizeEmail(input.email);
  const [existing] = await db().select({ id: users.id }).from(users).where(eq(users.emailNormalized, emailNormalized)).limit(1);
  if (existing) throw new DomainError('email_taken', 'email');
  const [agency] = await db().select({ id: agencies.id }).from(agencies).where(eq(agencies.id, input.agencyId)).limit(1);
  if (!agency) throw new DomainError('agency_unknown', 'agencyId');
  const { token, tokenHash } = newToken();
  const now = new Date();
  const id = randomId();
  const expiresAt = new Date(now.getTime() + config.invitationMs);
  await db().transaction(async (tx) => {
    // A new invitation to the same address replaces any still pending.
    await tx
      .update(invitations)
      .set({ revokedAt: now })
      .where(and(eq(invitations.emailNormalized, emailNormalized), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
    await tx.insert(invitations).values({
      id,
      tokenHash,
      email: input.email.trim(),
      emailNormalized,
      agencyId: input.agencyId,
      role: input.role,
      invitedBy: admin.id,
      createdAt: now,
      expiresAt,
    });
    await audit(
      actorOf(admin, admin.ip),
      { action: 'admin.invitation_created', target: emailNormalized, detail: { agencyId: input.agencyId, role: input.role } },
      tx,
    );
  });
  return { id, token, expiresAt };
}

/** A new link (the old one stops working) with a fresh expiry. */
export async function resendInvitation(admin: AdminActor, id: string): Promise<CreatedInvitation> {
  await requirePrivilege(admin, 'admin', { action: 'admin.invitation_resent', target: id });
  const { token, tokenHash } = newToken();
  const expiresAt = new Date(Date.now() + config.invitationMs);
  const rows = await db()
    .update(invitations)
    .set({ tokenHash, expiresAt })
    .where(and(eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .returning({ email: invitations.emailNormalized });
  if (!rows[0]) throw new DomainError('invitation_not_pending');
  await audit(actorOf(admin, admin.ip), { action: 'admin.invitation_resent', target: rows[0].email });
  return { id, token, expiresAt };
}

export async function revokeInvitation(admin: AdminActor, id: string): Promise<void> {
  await requirePrivilege(admin, 'admin', { action: 'admin.invitation_revoked', target: id });
  const rows = await db()
    .update(invitations)
    .set({ revokedAt: new Date() })
    .where(and(eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .returning({ email: invitations.emailNormalized });
  if (!rows[0]) throw new DomainError('invitation_not_pending');
  await audit(actorOf(admin, admin.ip), { action: 'admin.invitation_revoked', target: rows[0].email });
}

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export async function listInvitations(admin: Reader | null) {
  requireRole(admin, 'admin');
  const rows = await db()
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      agencyCode: agencies.code,
      createdAt: invitations.createdAt,
      expiresAt: invitations.expiresAt,
      acceptedAt: invitations.acceptedAt,
      revokedAt: invitations.revokedAt,
    })
    .from(invitations)
    .innerJoin(agencies, eq(agencies.id, invitations.agencyId))
    .orderBy(desc(invitations.createdAt))
    .limit(500);
  const now = Date.now();
  return rows.map((r) => {
    const status: InvitationStatus = r.acceptedAt
      ? 'accepted'
      : r.revokedAt
        ? 'revoked'
        : r.expiresAt.getTime() <= now
          ? 'expired'
          : 'pending';
    return { ...r, status };
  });
}

/** The pending invitation behind a link, or null (unknown, used, revoked or expired). */
export async function findPendingInvitation(token: string) {
  if (!token || token.length > 100) return null;
  const [row] = await db()
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      agencyId: invitations.agencyId,
      agencyCode: agencies.code,
      agencyNameEs: agencies.nameEs,
      agencyNameEn: agencies.nameEn,
      expiresAt: invitations.expiresAt,
    })
    .from(invitations)
    .innerJoin(agencies, eq(agencies.id, invitations.agencyId))
    .where(
      and(
        eq(invitations.tokenHash, sha256Hex(token)),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, new Date()),
      ),
    )
    .limit(1);
  return row ?? null;
}

/** Creates the account, uses up the invitation and signs the new user in, in one transaction. */
export async function acceptInvitation(
  token: string,
  input: { displayName: string; password: string; lang: Lang },
  meta: RequestMeta,
): Promise<NewSession> {
  const invitation = await findPendingInvitation(token);
  if (!invitation) throw new DomainError('invitation_invalid');
  const problem = await passwordProblem(input.password);
  if (problem) throw new DomainError(problem, 'password');
  const passwordHash = await hashPassword(input.password);
  const emailNormalized = normalizeEmail(invitation.email);
  return db().transaction(async (tx) => {
    const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.emailNormalized, emailNormalized)).limit(1);
    if (taken) throw new DomainError('email_taken');
    const now = new Date();
    const userId = randomId();
    await tx.insert(users).values({
      id: userId,
      email: invitation.email,
      emailNormalized,
      displayName: input.displayName.trim(),
      agencyId: invitation.agencyId,
      role: invitation.role,
      preferredLang: input.lang,
      passwordHash,
      createdAt: now,
      updatedAt: now,
    });
    // The WHERE makes a second, concurrent acceptance of the same link change nothing.
    const used = await tx
      .update(invitations)
      .set({ acceptedAt: now, acceptedUserId: userId })
      .where(and(eq(invitations.id, invitation.id), isNull(invitations.acceptedAt)))
      .returning({ id: invitations.id });
    if (!used[0]) throw new DomainError('invitation_invalid');
    await audit(
      { userId, email: emailNormalized, agencyCode: invitation.agencyCode, ip: meta.ip },
      { action: 'auth.invitation_accepted', target: invitation.id },
      tx,
    );
    return createSession(userId, meta, tx);
  });
}
