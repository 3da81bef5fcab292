import { auditLog, type AuditOutcome } from '#db/schema/index.ts';
import { db, type Executor } from './db.ts';

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

/** Appends to the audit log (the table refuses updates and deletes). */
export async function audit(actor: Actor, entry: AuditEntry, executor: Executor = db()): Promise<void> {
  await executor.insert(auditLog).values({
    at: new Date(),
    userId: actor.userId ?? null,
    userEmail: actor.email ?? null,
    agencyCode: actor.agencyCode ?? null,
    ip: actor.ip ?? null,
    action: entry.action,
    target: entry.target ?? null,
    outcome: entry.outcome ?? 'ok',
    detail: entry.detail ? JSON.stringify(entry.detail) : null,
  });
}
