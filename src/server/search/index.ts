/**
 * The search entry point pages call. The engine is FTS5 (embedded, default) or Meilisearch
 * when MEILISEARCH_URL is set. Dashboard, export and the detail page always read the
 * database (the source of truth), with the same filters and access rules.
 *
 * With Meilisearch, a search is answered by FTS5 instead (same answers: FTS5 is kept in step by
 * the import transaction itself) when Meilisearch has not caught up with the database (outbox
 * rows pending: its answer could be stale, down to a seizure's visibility), when it does not
 * answer within MEILISEARCH_TIMEOUT_MS or answers with an error (then for the next
 * BREAKER_MS too, so an outage does not cost every search a timeout).
 */
import type { Reader } from '#src/server/access.ts';
import { log } from '#src/server/log.ts';
import { fts5Engine } from './fts5.ts';
import { describeError, isUnavailable, meiliConnection, type MeiliConnection } from './meili-client.ts';
import { createMeiliEngine, delegations, indexedForms, seizureIndexUid, SEIZURE_KIND, type MeiliEngine } from './meilisearch.ts';
import { hasPending, indexInfo, outboxStats, type OutboxStats } from './outbox.ts';
import type { SearchEngine, SearchQuery, SearchResult } from './types.ts';
import { nudgeSearchSync } from './sync.ts';

export * from './types.ts';

let meili: { connection: MeiliConnection; indexUid: string; engine: MeiliEngine } | undefined;

/** The configured engine (what search:reindex fills and search asks first). */
export function searchEngine(): SearchEngine {
  const connection = meiliConnection();
  if (!connection) return fts5Engine;
  const indexUid = seizureIndexUid();
  if (meili?.connection !== connection || meili.indexUid !== indexUid)
    meili = { connection, indexUid, engine: createMeiliEngine(connection, indexUid) };
  return meili.engine;
}

/** After a failure, Meilisearch is not asked again for this long. */
export const BREAKER_MS = 10_000;

const remote = {
  skipUntil: 0,
  lastError: null as { at: number; message: string } | null,
  lastOkAt: 0,
};

/** Which engine answered the last searches, and why FTS5 did when it did (for health and tests). */
export type Answered = { engine: 'fts5' | 'meilisearch'; reason?: 'catching-up' | 'unavailable' | 'error' | 'unsupported' };
let lastAnswered: Answered = { engine: 'fts5' };
export function lastAnsweredBy(): Answered {
  return lastAnswered;
}

export async function search(query: SearchQuery, reader: Reader | null): Promise<SearchResult> {
  const engine = searchEngine();
  if (engine.name === 'fts5') {
    lastAnswered = { engine: 'fts5' };
    return engine.search(query, reader);
  }
  const fallback = (reason: NonNullable<Answered['reason']>) => {
    lastAnswered = { engine: 'fts5', reason };
    return fts5Engine.search(query, reader);
  };
  if (Date.now() < remote.skipUntil) return fallback('unavailable');
  if (await hasPending(SEIZURE_KIND)) return fallback('catching-up');
  try {
    const before = delegations.count;
    const result = await engine.search(query, reader);
    remote.lastOkAt = Date.now();
    lastAnswered = delegations.count > before ? { engine: 'fts5', reason: 'unsupported' } : { engine: 'meilisearch' };
    return result;
  } catch (e) {
    const message = describeError(e);
    if (remote.lastError === null || remote.lastOkAt > remote.lastError.at) log.warn({ error: message }, 'search: answering from FTS5');
    remote.lastError = { at: Date.now(), message };
    if (isUnavailable(e)) remote.skipUntil = Date.now() + BREAKER_MS;
    return fallback(isUnavailable(e) ? 'unavailable' : 'error');
  }
}

/** Forget the breaker and the last error (tests; a configuration change). */
export function resetSearchFallback(): void {
  remote.skipUntil = 0;
  remote.lastError = null;
  remote.lastOkAt = 0;
}

export interface SearchLayerHealth {
  engine: 'fts5' | 'meilisearch';
  /** `degraded`: Meilisearch is configured but searches are (or would be) answered by FTS5. */
  status: 'ok' | 'degraded';
  /** The first problem, for /readyz. */
  detail?: string;
  /** Why, in plain words (empty when ok). */
  problems: string[];
  outbox: OutboxStats | null;
  /** Documents in the live Meilisearch index, when it answered. */
  indexedDocuments: number | null;
  /** Meilisearch answered its health probe (null with FTS5). */
  answers: boolean | null;
}

/**
 * The search layer's health, for /readyz and the admin page. FTS5 is always ok (it lives in the
 * database, which readiness checks on its own). Meilisearch is degraded when it does not answer,
 * its index is missing, a recent search failed, or changes are waiting to be pushed.
 */
export async function searchLayerHealth(now: number = Date.now()): Promise<SearchLayerHealth> {
  const connection = meiliConnection();
  if (!connection) return { engine: 'fts5', status: 'ok', problems: [], outbox: null, indexedDocuments: null, answers: null };
  const problems: string[] = [];
  let indexedDocuments: number | null = null;
  let answers = false;
  try {
    await connection.probe.health();
    answers = true;
    try {
      indexedDocuments = (await connection.probe.index(seizureIndexUid()).getStats()).numberOfDocuments;
      if (!indexedForms((await indexInfo(SEIZURE_KIND)).live))
        problems.push(
          'The index was built by an older version of the portal: searches with OR or synonyms are answered by FTS5 until npm run search:reindex',
        );
    } catch (e) {
      problems.push(describeError(e));
    }
  } catch (e) {
    problems.push(describeError(e));
  }
  if (remote.lastError && now - remote.lastError.at < 60_000 && remote.lastError.at > remote.lastOkAt)
    problems.push(`A search failed ${Math.round((now - remote.lastError.at) / 1000)} s ago: ${remote.lastError.message}`);
  const outbox = await outboxStats(now);
  if (outbox.failing) problems.push(`${outbox.failing} change(s) could not be pushed: ${outbox.lastError ?? ''}`);
  return {
    engine: 'meilisearch',
    status: problems.length ? 'degraded' : 'ok',
    detail: problems[0],
    problems,
    outbox,
    indexedDocuments,
    answers,
  };
}

/** For /readyz: the engine and its state only (no hosts, no errors: the admin page shows those). */
export async function searchHealth(): Promise<{ engine: 'fts5' | 'meilisearch'; status: 'ok' | 'degraded' }> {
  const h = await searchLayerHealth();
  return { engine: h.engine, status: h.status };
}

/**
 * After seizures changed (an import reports `changedSeizureIds`): the embedded index changed in
 * the same transaction, and so did the search outbox; this wakes the worker that pushes the
 * outbox to Meilisearch. It never fails: an outage cannot undo a committed import.
 */
export function reindexChangedSeizures(ids: readonly number[]): Promise<void> {
  if (ids.length) nudgeSearchSync();
  return Promise.resolve();
}
