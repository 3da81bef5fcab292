/**
 * Thread search: one contract for both engines (tests/unit/threads-search-contract.test.ts).
 * A hit is a post (its thread's title is searched on the first post); the reader's access is part
 * of every query, and hidden posts, deleted posts and hidden threads are never in an index.
 */
import type { Reader } from '#src/server/access.ts';

export interface ThreadSearchQuery {
  text: string;
  /** Only this category. */
  categoryId?: number | undefined;
  /** 1-based. */
  page?: number | undefined;
  pageSize?: number | undefined;
}

export interface ThreadSearchHit {
  postId: number;
  threadId: number;
  /** The post's number in its thread (its page follows from it). */
  seq: number;
  threadTitle: string;
  categoryId: number;
  authorId: string;
  authorAgencyCode: string;
  createdAt: Date;
  /** HTML-safe: text escaped, matches wrapped in <mark>. */
  snippet: string;
}

export interface ThreadSearchResult {
  total: number;
  /**
   * True when the text matched more posts than the engine ranks (THREAD_SEARCH_CANDIDATES, the
   * newest matches): the hits are the most relevant of those, and `total` counts only them.
   */
  capped: boolean;
  page: number;
  pageSize: number;
  hits: ThreadSearchHit[];
}

export interface ThreadSearchEngine {
  readonly name: 'fts5' | 'meilisearch';
  search(query: ThreadSearchQuery, reader: Reader | null): Promise<ThreadSearchResult>;
}

/** The search outbox kind of thread posts (src/server/search/sources.ts). */
export const THREAD_POST_KIND = 'thread_post';

export const THREAD_SEARCH_PAGE_SIZE = 20;
/** How many of the newest matching posts a text query ranks (STACK-NOTES 12: ranking every hit of a common word costs too much). */
export const THREAD_SEARCH_CANDIDATES = 2000;

export function normalizeThreadQuery(q: ThreadSearchQuery): Required<Omit<ThreadSearchQuery, 'categoryId'>> & { categoryId?: number } {
  return {
    text: (q.text ?? '').trim().slice(0, 200),
    page: Math.max(1, Math.min(500, Math.floor(q.page ?? 1))),
    pageSize: Math.min(50, Math.max(1, Math.floor(q.pageSize ?? THREAD_SEARCH_PAGE_SIZE))),
    ...(q.categoryId ? { categoryId: q.categoryId } : {}),
  };
}
