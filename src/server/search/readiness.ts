/**
 * /readyz's view of search: the engine (as before) and the outbox of the rooms whose changes reach
 * Meilisearch only through it (forum posts; documents once they register a source). Seizure changes
 * are not watched here: their search is answered by FTS5 while they wait (the engine is then
 * reported degraded). A forum change that waits too long, or Meilisearch not answering while such
 * changes wait, makes the process not ready: readers would be sent to an index that no longer
 * follows what moderators hide. Meilisearch down with nothing waiting stays ready (FTS5 answers):
 * otherwise one outage of the search server would take every portal process out of rotation.
 */
import { config } from '#src/server/config.ts';
import { rawClient } from '#src/server/db.ts';
import { allRows, col } from '#src/server/sql.ts';
import { searchLayerHealth } from './index.ts';
import { SEIZURE_KIND } from './meilisearch.ts';
import { searchSources } from './sources.ts';

/** How /readyz names the kinds it watches (operators read it; no data, no hosts). */
const LABELS: Record<string, string> = { thread_post: 'forum post', document: 'document' };

export interface OutboxReadiness {
  status: 'ok' | 'down';
  engine: 'fts5' | 'meilisearch';
  /** Per watched kind: changes waiting and the age of the oldest (seconds); only with Meilisearch. */
  kinds?: Record<string, { pending: number; oldestSeconds: number | null }>;
  reason?: string;
}

export interface SearchReadiness {
  search: { engine: 'fts5' | 'meilisearch'; status: 'ok' | 'degraded' };
  outbox: OutboxReadiness;
}

export async function searchReadiness(now: number = Date.now()): Promise<SearchReadiness> {
  const health = await searchLayerHealth(now);
  const search = { engine: health.engine, status: health.status };
  if (health.engine === 'fts5') return { search, outbox: { status: 'ok', engine: 'fts5' } };
  const watched = searchSources()
    .map((s) => s.kind)
    .filter((k) => k !== SEIZURE_KIND);
  const rows = await allRows(
    rawClient(),
    { kind: col.text, pending: col.int, oldest: col.intOrNull },
    `SELECT kind, count(*) AS pending, min(changed_at) AS oldest FROM search_outbox
     WHERE version > pushed_version AND kind IN (SELECT value FROM json_each(?)) GROUP BY kind`,
    [JSON.stringify(watched)],
  );
  const kinds: NonNullable<OutboxReadiness['kinds']> = {};
  for (const kind of watched) kinds[kind] = { pending: 0, oldestSeconds: null };
  for (const r of rows)
    kinds[r.kind] = { pending: r.pending, oldestSeconds: r.oldest === null ? null : Math.max(0, Math.floor((now - r.oldest) / 1000)) };
  const label = (kind: string) => LABELS[kind] ?? kind;
  const waiting = Object.entries(kinds).filter(([, k]) => k.pending > 0);
  const maxAge = Math.floor(config.searchOutboxMaxAgeMs / 1000);
  const reasons: string[] = [];
  if (!health.answers && waiting.length)
    reasons.push(
      `Meilisearch does not answer while ${waiting.map(([kind, k]) => `${k.pending} ${label(kind)} change(s)`).join(' and ')} wait`,
    );
  for (const [kind, k] of waiting)
    if (k.oldestSeconds !== null && k.oldestSeconds > maxAge)
      reasons.push(`${k.pending} ${label(kind)} change(s) waiting, the oldest for ${k.oldestSeconds} s (limit ${maxAge} s)`);
  return {
    search,
    outbox: reasons.length
      ? { status: 'down', engine: 'meilisearch', kinds, reason: reasons.join('; ') }
      : { status: 'ok', engine: 'meilisearch', kinds },
  };
}
