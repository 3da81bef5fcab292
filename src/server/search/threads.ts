/**
 * The thread search entry point: FTS5 (embedded, default) or Meilisearch when MEILISEARCH_URL is
 * set. The FTS5 index is kept in the writing transaction (threads-fts5-index.ts) whichever engine
 * serves searches; with Meilisearch, the changed posts are pushed after the commit.
 */
import type { Reader } from '#src/server/access.ts';
import { config } from '#src/server/config.ts';
import { fts5ThreadEngine } from './threads-fts5.ts';
import { createMeiliThreadEngine } from './threads-meilisearch.ts';
import type { ThreadSearchEngine, ThreadSearchQuery, ThreadSearchResult } from './threads-types.ts';

export * from './threads-types.ts';

let meili: { key: string; engine: ThreadSearchEngine } | undefined;

export function threadSearchEngine(): ThreadSearchEngine {
  const settings = config.meilisearch;
  if (!settings) return fts5ThreadEngine;
  const key = `${settings.host}\u0000${settings.apiKey ?? ''}`;
  if (meili?.key !== key) meili = { key, engine: createMeiliThreadEngine(settings) };
  return meili.engine;
}

export function searchThreads(query: ThreadSearchQuery, reader: Reader | null): Promise<ThreadSearchResult> {
  return threadSearchEngine().search(query, reader);
}

/**
 * After a commit that changed posts: an external engine gets them (the embedded index changed in
 * the transaction). A failure is logged and `npm run search:reindex` repairs it; the durable
 * outbox of issue 14 replaces this best-effort push when it lands.
 */
export function afterThreadPostsChanged(postIds: readonly number[]): void {
  const engine = threadSearchEngine();
  if (engine.name === 'fts5' || !postIds.length) return;
  engine.sync(postIds).catch((error: unknown) => {
    console.error(`thread search sync failed: ${error instanceof Error ? error.message : String(error)}`);
  });
}
