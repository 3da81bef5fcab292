/**
 * The thread search entry point. Thread search runs on the embedded FTS5 index (kept in the writing
 * transaction, threads-fts5-index.ts) even when MEILISEARCH_URL is set: the Meilisearch engine of
 * threads-meilisearch.ts passes the same contract but is not yet fed through the durable search
 * outbox that seizures now use (src/server/search/outbox.ts), so it is not wired in.
 */
import type { Reader } from '#src/server/access.ts';
import { fts5ThreadEngine } from './threads-fts5.ts';
import type { ThreadSearchEngine, ThreadSearchQuery, ThreadSearchResult } from './threads-types.ts';

export * from './threads-types.ts';

export function threadSearchEngine(): ThreadSearchEngine {
  return fts5ThreadEngine;
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
