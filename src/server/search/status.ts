/**
 * The search engine's state for the admin page (Administration -> Search engine): which engine,
 * whether Meilisearch answers, the outbox backlog and a running rebuild's progress; and the
 * admin's "push now".
 */
import { hasRole, requireRole, type Reader } from '#src/server/access.ts';
import { actorOf, audit } from '#src/server/audit.ts';
import { config } from '#src/server/config.ts';
import { rawClient } from '#src/server/db.ts';
import { allRows, col } from '#src/server/sql.ts';
import { searchLayerHealth, type SearchLayerHealth } from './index.ts';
import { outboxStats } from './outbox.ts';
import { drainOnce } from './sync.ts';

export interface SearchStatus extends SearchLayerHealth {
  /** Meilisearch's address without credentials or path (null with FTS5). */
  host: string | null;
  /** Seizures in the database (what a complete index holds). */
  seizures: number;
}

export async function searchStatus(reader: Reader | null, now: number = Date.now()): Promise<SearchStatus> {
  requireRole(reader, 'admin');
  const health = await searchLayerHealth(now);
  const [row] = await allRows(rawClient(), { n: col.int }, 'SELECT count(*) AS n FROM seizures');
  const host = config.meilisearch ? new URL(config.meilisearch.host).origin : null;
  return { ...health, host, seizures: row?.n ?? 0 };
}

/** Pushes one batch of the backlog now, without waiting for the retry backoff (audited). */
export async function pushSearchBacklog(
  admin: Reader & { email: string },
  ip: string | null,
): Promise<{ pushed: number; failed: number; error: string | null }> {
  if (!hasRole(admin, 'admin')) {
    await audit(actorOf(admin, ip), { action: 'admin.search_sync', outcome: 'denied' });
    requireRole(admin, 'admin');
  }
  const r = await drainOnce({ ignoreBackoff: true, limit: 5000 });
  await audit(actorOf(admin, ip), {
    action: 'admin.search_sync',
    outcome: r.failed ? 'failed' : 'ok',
    detail: { pushed: r.pushed, failed: r.failed },
  });
  // Nothing claimed while changes wait: another process is pushing them right now; say how it went last.
  const error = r.errors[0] ?? (r.claimed === 0 ? (await outboxStats()).lastError : null);
  return { pushed: r.pushed, failed: r.failed, error };
}
