/**
 * Every kind of entity the remote search engine indexes, by outbox kind. A room that wants its
 * entities in Meilisearch (threads, documents…) adds its source here and calls
 * enqueueSearchChanges(tx, kind, ids) in the transactions that change them.
 */
import { seizureIndexUid, seizureSource } from './meilisearch.ts';
import type { SearchSource } from './remote-index.ts';
import { threadIndexUid, threadPostSource } from './threads-meilisearch.ts';

export function searchSources(): SearchSource[] {
  return [seizureSource(seizureIndexUid()), threadPostSource(threadIndexUid())];
}

export function searchSourceFor(kind: string): SearchSource | undefined {
  return searchSources().find((s) => s.kind === kind);
}
