/**
 * Visibility scopes stored once each (scope_sets: a sorted, space-separated token list, and
 * scope_set_tokens for "which scopes hold this token"); seizures, thread categories and threads
 * point at them. The tokens' meaning is src/server/access.ts's.
 */
import { eq, inArray, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { scopeSets, scopeSetTokens } from '#db/schema/index.ts';
import { readerTokens, seesEverything, type Reader } from './access.ts';
import { db, type Executor } from './db.ts';

/** One spelling per scope: unique tokens, sorted. */
export function scopeKey(tokens: readonly string[]): string {
  return [...new Set(tokens)].sort().join(' ');
}

/** The id of the scope set with these tokens, created when new. */
export async function scopeSetIdFor(ex: Executor, tokens: readonly string[]): Promise<number> {
  const key = scopeKey(tokens);
  if (!key) throw new Error('an empty scope admits nobody');
  await ex.insert(scopeSets).values({ tokens: key }).onConflictDoNothing();
  const [row] = await ex.select({ id: scopeSets.id }).from(scopeSets).where(eq(scopeSets.tokens, key));
  const id = row!.id;
  await ex
    .insert(scopeSetTokens)
    .values(key.split(' ').map((token) => ({ scopeSetId: id, token })))
    .onConflictDoNothing();
  return id;
}

export async function scopeTokensOf(ids: readonly number[], ex: Executor = db()): Promise<Map<number, string[]>> {
  if (!ids.length) return new Map();
  const rows = await ex
    .select({ id: scopeSets.id, tokens: scopeSets.tokens })
    .from(scopeSets)
    .where(inArray(scopeSets.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r.tokens.split(' ')]));
}

/**
 * "A scope set the reader may see", in SQL over a scope_set_id column: a tiny IN list that SQLite
 * resolves once per query. Admins see every scope.
 */
export function visibleScopeSql(reader: Reader | null, scopeSetId: AnyColumn | SQL): SQL {
  if (seesEverything(reader)) return sql`1`;
  const tokens = readerTokens(reader);
  return sql`${scopeSetId} IN (SELECT scope_set_id FROM scope_set_tokens WHERE token IN (${sql.join(
    tokens.map((t) => sql`${t}`),
    sql`, `,
  )}))`;
}
