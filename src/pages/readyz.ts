import type { APIRoute } from 'astro';
import { databaseReachable } from '#src/server/db.ts';
import { searchHealth } from '#src/server/search/index.ts';

/**
 * Readiness: may this process get traffic? The database must answer; the search engine must
 * not be down (`degraded` still serves, so it stays 200 with the status in the body).
 * 503 otherwise. The body names the parts and their state, never data or settings.
 */
export const GET: APIRoute = async () => {
  const database = (await databaseReachable()) ? 'ok' : 'down';
  const search = database === 'ok' ? await searchHealth() : { engine: 'unknown', status: 'down' as const };
  const ready = database === 'ok' && search.status !== 'down';
  return new Response(JSON.stringify({ status: ready ? (search.status === 'degraded' ? 'degraded' : 'ok') : 'down', database, search }), {
    status: ready ? 200 : 503,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
  });
};
