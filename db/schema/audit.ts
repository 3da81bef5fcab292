import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { AUDIT_OUTCOMES, type AuditOutcome } from '#src/domain/audit.ts';
// Plain domain constants live in src/domain so pages may import them without importing db/.
export { AUDIT_OUTCOMES, type AuditOutcome };

/** Append-only: a migration adds triggers that refuse UPDATE and DELETE. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    userId: text('user_id'),
    userEmail: text('user_email'),
    agencyCode: text('agency_code'),
    ip: text('ip'),
    action: text('action').notNull(),
    target: text('target'),
    outcome: text('outcome', { enum: AUDIT_OUTCOMES }).notNull(),
    detail: text('detail'),
  },
  (t) => [index('audit_at_idx').on(t.at), index('audit_action_idx').on(t.action), index('audit_user_idx').on(t.userId)],
);
