/**
 * The thread search entry point. The engine is FTS5 (embedded, kept in the writing transaction by
 * threads-fts5-index.ts) or Meilisearch when MEILISEARCH_URL is set (threads-meilisearch.ts, fed
 * through the durable search outbox). Both pass tests/unit/threads-search-contract.test.ts.
 *
 * As seizure search does (index.ts), a search is answered by FTS5 instead when Meilisearch has not
 * caught up with the database (thread posts pending in the outbox: its answer could show a post
 * just hidden), when the query has a form it cannot match as FTS5 does, or when it fails or does not
 * answer (then for the next BREAKER_MS too).
 */
import type { Reader } from '#src/server/access.ts';
import { log } from '#src/server/log.ts';
import { BREAKER_MS } from './index.ts';
import { describeError, isUnavailable, meiliConnection, type MeiliConnection } from './meili-client.ts';
import { UnsupportedQuery } from './meilisearch.ts';
import { hasPending } from './outbox.ts';
import { nudgeSearchSync } from './sync.ts';
import { fts5ThreadEngine } from './threads-fts5.ts';
import { createMeiliThreadEngine, threadIndexUid, type MeiliThreadEngine } from './threads-meilisearch.ts';
import { THREAD_POST_KIND, type ThreadSearchEngine, type ThreadSearchQuery, type ThreadSearchResult } from './threads-types.ts';

export * from './threads-types.ts';

let meili: { connection: MeiliConnection; indexUid: string; engine: MeiliThreadEngine } | undefined;

/** The configured engine. */
export function threadSearchEngine(): ThreadSearchEngine {
  const connection = meiliConnection();
  if (!connection) return fts5ThreadEngine;
  const indexUid = threadIndexUid();
  if (meili?.connection !== connection || meili.indexUid !== indexUid)
    meili = { connection, indexUid, engine: createMeiliThreadEngine(connection, indexUid) };
  return meili.engine;
}

const remote = { skipUntil: 0, lastError: null as string | null };

export type ThreadAnswered = { engine: 'fts5' | 'meilisearch'; reason?: 'catching-up' | 'unavailable' | 'error' | 'unsupported' };
let lastAnswered: ThreadAnswered = { engine: 'fts5' };
/** Which engine answered the last thread search, and why FTS5 did when it did (tests, health). */
export function lastThreadSearchAnsweredBy(): ThreadAnswered {
  return lastAnswered;
}

/** Forget the breaker (tests; a configuration change). */
export function resetThreadSearchFallback(): void {
  remote.skipUntil = 0;
  remote.lastError = null;
}

export async function searchThreads(query: ThreadSearchQuery, reader: Reader | null): Promise<ThreadSearchResult> {
  const engine = threadSearchEngine();
  const fallback = (reason?: NonNullable<ThreadAnswered['reason']>) => {
    lastAnswered = reason ? { engine: 'fts5', reason } : { engine: 'fts5' };
    return fts5ThreadEngine.search(query, reader);
  };
  if (engine.name === 'fts5') return fallback();
  if (Date.now() < remote.skipUntil) return fallback('unavailable');
  if (await hasPending(THREAD_POST_KIND)) return fallback('catching-up');
  try {
    const result = await engine.search(query, reader);
    lastAnswered = { engine: 'meilisearch' };
    remote.lastError = null;
    return result;
  } catch (e) {
    if (e instanceof UnsupportedQuery) return fallback('unsupported');
    const message = describeError(e);
    if (remote.lastError === null) log.warn({ error: message }, 'thread search: answering from FTS5');
    remote.lastError = message;
    if (isUnavailable(e)) remote.skipUntil = Date.now() + BREAKER_MS;
    return fallback(isUnavailable(e) ? 'unavailable' : 'error');
  }
}

/**
 * After a commit that changed posts: the embedded index and the search outbox changed in the same
 * transaction; this wakes the worker that pushes the outbox to Meilisearch. It never fails.
 */
export function afterThreadPostsChanged(postIds: readonly number[]): void {
  if (postIds.length) nudgeSearchSync();
}
