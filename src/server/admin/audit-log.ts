import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { auditLog, type AuditOutcome } from '#db/schema/index.ts';
import { requireRole, type Reader } from '#src/server/access.ts';
import { db } from '#src/server/db.ts';

export interface AuditFilter {
  action?: string;
  user?: string;
  outcome?: AuditOutcome;
  from?: Date;
  /** Inclusive day: entries before the next midnight count. */
  to?: Date;
  page: number;
  pageSize: number;
}

export async function queryAuditLog(admin: Reader | null, filter: AuditFilter) {
  requireRole(admin, 'admin');
  const where: SQL[] = [];
  // Prefix and substring matches compare text as typed: LIKE would read the "_" of "auth.sign_in" as a wildcard.
  if (filter.action) where.push(sql`substr(${auditLog.action}, 1, ${filter.action.length}) = ${filter.action}`);
  if (filter.user) where.push(sql`instr(lower(${auditLog.userEmail}), ${filter.user.toLowerCase()}) > 0`);
  if (filter.outcome) where.push(eq(auditLog.outcome, filter.outcome));
  if (filter.from) where.push(gte(auditLog.at, filter.from));
  if (filter.to) where.push(lt(auditLog.at, new Date(filter.to.getTime() + 86_400_000)));
  const condition = where.length ? and(...where) : undefined;
  const [count] = await db()
    .select({ n: sql<number>`count(*)` })
    .from(auditLog)
    .where(condition);
  const rows = await db()
    .select()
    .from(auditLog)
    .where(condition)
    .orderBy(desc(auditLog.id))
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize);
  return { total: Number(count?.n ?? 0), rows };
}

export async function distinctAuditActions(): Promise<string[]> {
  const rows = await db().selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action);
  return rows.map((r) => r.action);
}
