import { auditLog, type AuditOutcome } from '#db/schema/index.ts';
import { db, type Executor } from './db.ts';
import { AccessDenied, hasRole, type Reader } from './access.ts';
import type { Role } from '#src/domain/auth.ts';

export interface Actor {
  userId?: string | null;
  email?: string | null;
  agencyCode?: string | null;
  ip?: string | null;
}

export interface AuditEntry {
  action: string;
  target?: string | null;
  outcome?: AuditOutcome;
  /** Never a secret: no passwords, tokens or invitation codes. */
  detail?: Record<string, unknown>;
}

/** The audit actor for a signed-in user acting from an address. */
export function actorOf(user: { id: string; email: string; agencyCode: string }, ip: string | null | undefined): Actor {
  return { userId: user.id, email: user.email, agencyCode: user.agencyCode, ip: ip ?? null };
}

/** The audit row of an entry (for a batch of statements written together; else use audit()). */
export function auditRow(actor: Actor, entry: AuditEntry): typeof auditLog.$inferInsert {
  return {
    at: new Date(),
    userId: actor.userId ?? null,
    userEmail: actor.email ?? null,
    agencyCode: actor.agencyCode ?? null,
    ip: actor.ip ?? null,
    action: entry.action,
    target: entry.target ?? null,
    outcome: entry.outcome ?? 'ok',
    detail: entry.detail ? JSON.stringify(entry.detail) : null,
  };
}

/** Appends to the audit log (the table refuses updates and deletes). */
export async function audit(actor: Actor, entry: AuditEntry, executor: Executor = db()): Promise<void> {
  await executor.insert(auditLog).values(auditRow(actor, entry));
}

/**
 * The role check of a privileged action: a refusal is written to the audit log (outcome `denied`,
 * with the actor, the action tried and its target as the request named it) and then thrown. The
 * target is never looked up first, so a refusal tells nothing about what exists.
 */
export async function requirePrivilege(
  who: (Reader & { email?: string | null; ip?: string | null }) | null,
  role: Role,
  attempt: { action: string; target?: string | number | null; detail?: Record<string, unknown> },
): Promise<void> {
  if (hasRole(who, role)) return;
  await audit(
    { userId: who?.id ?? null, email: who?.email ?? null, agencyCode: who?.agencyCode ?? null, ip: who?.ip ?? null },
    {
      action: attempt.action,
      target: attempt.target === undefined || attempt.target === null ? null : String(attempt.target).slice(0, 200),
      outcome: 'denied',
      detail: { need: role, role: who?.role ?? null, ...attempt.detail },
    },
  );
  throw new AccessDenied(role);
}
