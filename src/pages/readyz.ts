import type { APIRoute } from 'astro';
import { databaseReachable } from '#src/server/db.ts';
import { searchReadiness } from '#src/server/search/readiness.ts';

/**
 * Readiness: may this process get traffic? The database must answer; the search engine must
 * not be down (`degraded` still serves, so it stays 200 with the status in the body); forum (and
 * document) changes must be reaching Meilisearch (src/server/search/readiness.ts: `outbox.reason`
 * says why not). 503 otherwise. The body names the parts and their state, never data or settings.
 */
export const GET: APIRoute = async () => {
  const database = (await databaseReachable()) ? 'ok' : 'down';
  const { search, outbox } =
    database === 'ok'
      ? await searchReadiness()
      : { search: { engine: 'unknown', status: 'down' as const }, outbox: { status: 'down' as const, engine: 'unknown' } };
  const ready = database === 'ok' && search.status !== 'down' && outbox.status !== 'down';
  return new Response(
    JSON.stringify({ status: ready ? (search.status === 'degraded' ? 'degraded' : 'ok') : 'down', database, search, outbox }),
    {
      status: ready ? 200 : 503,
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
    },
  );
};
