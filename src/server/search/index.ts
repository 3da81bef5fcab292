/**
 * The search entry point pages call. The engine is FTS5 (embedded, default) or Meilisearch
 * when MEILISEARCH_URL is set. Dashboard, export and the detail page always read the
 * database (the source of truth), with the same filters and access rules.
 */
import type { Reader } from '#src/server/access.ts';
import { fts5Engine } from './fts5.ts';
import { createMeiliEngine } from './meilisearch.ts';
import type { SearchEngine, SearchHealth, SearchQuery, SearchResult } from './types.ts';
import { config } from '#src/server/config.ts';

export * from './types.ts';

let meili: { key: string; engine: SearchEngine } | undefined;

export function searchEngine(): SearchEngine {
  const settings = config.meilisearch;
  if (!settings) return fts5Engine;
  const key = `${settings.host}\u0000${settings.apiKey ?? ''}`;
  if (meili?.key !== key) meili = { key, engine: createMeiliEngine(settings) };
  return meili.engine;
}

/** The search engine's readiness (see SearchEngine.health). */
export async function searchHealth(): Promise<SearchHealth & { engine: SearchEngine['name'] }> {
  const engine = searchEngine();
  try {
    const health = engine.health ? await engine.health() : { status: 'ok' as const };
    return { engine: engine.name, ...health };
  } catch (error) {
    return { engine: engine.name, status: 'down', detail: error instanceof Error ? error.message : 'unreachable' };
  }
}

export function search(query: SearchQuery, reader: Reader | null): Promise<SearchResult> {
  return searchEngine().search(query, reader);
}

/**
 * After seizures changed (an import reports `changedSeizureIds`): the embedded index changed in
 * the same transaction; a remote engine (Meilisearch) is brought up to date here.
 */
export async function reindexChangedSeizures(ids: readonly number[]): Promise<void> {
  const engine = searchEngine();
  if (engine.name !== 'fts5' && ids.length) await engine.index(ids);
}
