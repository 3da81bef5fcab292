import { and, eq, inArray } from 'drizzle-orm';
import { agencies, users, type Lang } from '#db/schema/index.ts';
import type { Reader } from '#src/server/access.ts';
import { db, type Executor } from '#src/server/db.ts';

/** A recipient as the access check and the e-mail need them (active accounts only). */
export interface Recipient extends Reader {
  email: string;
  lang: Lang;
}

/** The active accounts among the ids, with what the access check needs to know about them. */
export async function recipientsByIds(ids: readonly string[], ex: Executor = db()): Promise<Map<string, Recipient>> {
  if (!ids.length) return new Map();
  const rows = await ex
    .select({
      id: users.id,
      role: users.role,
      email: users.email,
      lang: users.preferredLang,
      agencyCode: agencies.code,
      agencyCountry: agencies.country,
    })
    .from(users)
    .innerJoin(agencies, eq(agencies.id, users.agencyId))
    .where(and(inArray(users.id, [...new Set(ids)]), eq(users.disabled, false)));
  return new Map(rows.map((r) => [r.id, r]));
}
