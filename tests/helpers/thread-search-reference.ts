/**
 * Thread search as one SQL query (the FTS5 engine before the in-memory columns, session 3): the
 * newest THREAD_SEARCH_CANDIDATES matches joined to posts and threads with the reader's access in
 * the query, ranked by bm25. The reference the columns engine (src/server/search/threads-fts5.ts)
 * is tested against: same hits, order, totals and snippets for every reader.
 */
import { sql } from 'drizzle-orm';
import type { Reader } from '#src/server/access.ts';
import { db } from '#src/server/db.ts';
import { visibleScopeSql } from '#src/server/scopes.ts';
import { threadMatchExpression } from '#src/server/search/threads-fts5.ts';
import {
  normalizeThreadQuery,
  THREAD_SEARCH_CANDIDATES,
  type ThreadSearchEngine,
  type ThreadSearchHit,
  type ThreadSearchResult,
} from '#src/server/search/threads-types.ts';
import { MARK_CLOSE, MARK_OPEN, markToHtml } from '#src/server/search/types.ts';

const BM25 = 'bm25(thread_post_fts, 4.0, 1.0, 0.5, 0.5)';

export async function referenceSearchThreads(
  query: Parameters<ThreadSearchEngine['search']>[0],
  reader: Reader | null,
): Promise<ThreadSearchResult> {
  const q = normalizeThreadQuery(query);
  const empty = { total: 0, capped: false, page: q.page, pageSize: q.pageSize, hits: [] };
  const match = threadMatchExpression(q.text);
  if (!reader || !match) return empty;
  // Hidden posts and threads are not in the index; the conditions stay as a second guard.
  const access = sql`p.hidden_at IS NULL AND p.deleted_at IS NULL AND t.hidden_at IS NULL AND ${visibleScopeSql(reader, sql`t.scope_set_id`)}`;
  const category = q.categoryId ? sql`AND t.category_id = ${q.categoryId}` : sql``;
  const candidates = sql.raw(String(THREAD_SEARCH_CANDIDATES));
  const ranked = await db().all<{ id: number; n: number; capped: number }>(sql`
    WITH cand AS (
      SELECT rowid AS id, ${sql.raw(BM25)} AS score FROM thread_post_fts WHERE thread_post_fts MATCH ${match} ORDER BY rowid DESC LIMIT ${candidates}
    ),
    seen AS (
      SELECT c.id, c.score FROM cand c JOIN thread_posts p ON p.id = c.id JOIN threads t ON t.id = p.thread_id WHERE ${access} ${category}
    )
    SELECT s.id, (SELECT count(*) FROM seen) AS n, (SELECT count(*) FROM cand) >= ${candidates} AS capped
    FROM seen s ORDER BY s.score, s.id DESC LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`);
  let total: number;
  let capped: boolean;
  if (ranked.length) {
    total = Number(ranked[0]!.n);
    capped = Boolean(ranked[0]!.capped);
  } else {
    // A page past the end still reports the total.
    const [row] = await db().all<{ n: number; capped: number }>(sql`
      WITH cand AS (SELECT rowid AS id FROM thread_post_fts WHERE thread_post_fts MATCH ${match} ORDER BY rowid DESC LIMIT ${candidates})
      SELECT (SELECT count(*) FROM cand c JOIN thread_posts p ON p.id = c.id JOIN threads t ON t.id = p.thread_id WHERE ${access} ${category}) AS n,
             (SELECT count(*) FROM cand) >= ${candidates} AS capped`);
    total = Number(row?.n ?? 0);
    capped = Boolean(row?.capped);
  }
  if (!ranked.length) return { ...empty, total, capped };
  const ids = JSON.stringify(ranked.map((r) => r.id));
  const rows = await db().all<{
    id: number;
    thread_id: number;
    seq: number;
    title: string;
    category_id: number;
    author_id: string;
    author_agency_code: string;
    created_at: number;
    s: string;
  }>(sql`
    SELECT p.id, p.thread_id, p.seq, t.title, t.category_id, p.author_id, p.author_agency_code, p.created_at,
      snippet(thread_post_fts, -1, ${MARK_OPEN}, ${MARK_CLOSE}, '…', 24) AS s
    FROM thread_post_fts JOIN thread_posts p ON p.id = thread_post_fts.rowid JOIN threads t ON t.id = p.thread_id
    WHERE thread_post_fts MATCH ${match} AND thread_post_fts.rowid IN (SELECT value FROM json_each(${ids}))`);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const hits = ranked.flatMap((r): ThreadSearchHit[] => {
    const row = byId.get(r.id);
    if (!row) return [];
    return [
      {
        postId: row.id,
        threadId: row.thread_id,
        seq: row.seq,
        threadTitle: row.title,
        categoryId: row.category_id,
        authorId: row.author_id,
        authorAgencyCode: row.author_agency_code,
        createdAt: new Date(row.created_at),
        snippet: markToHtml(row.s),
      },
    ];
  });
  return { total, capped, page: q.page, pageSize: q.pageSize, hits };
}
