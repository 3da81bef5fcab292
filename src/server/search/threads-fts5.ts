/**
 * The embedded engine for thread search: FTS5 over thread_post_fts (bm25, snippet), joined to
 * the posts and threads for the reader's access and the category filter, in one query.
 *
 * A text that matches very many posts (a common word over 400,000 posts) is ranked among its
 * newest THREAD_SEARCH_CANDIDATES matches only: FTS5 walks the matches newest first without
 * ranking them all (STACK-NOTES 12), and the page says the results are the most relevant of those.
 */
import { sql } from 'drizzle-orm';
import type { Reader } from '#src/server/access.ts';
import { db } from '#src/server/db.ts';
import { visibleScopeSql } from '#src/server/scopes.ts';
import { syncThreadPostsIndex, rebuildThreadIndex } from './threads-fts5-index.ts';
import { analyseQuery, conceptLabels, foldedTokens, glossarySynonyms, type QueryClause } from '#src/server/text/index.ts';
import { conceptToken } from './seizure-text.ts';
import {
  normalizeThreadQuery,
  THREAD_SEARCH_CANDIDATES,
  type ThreadSearchEngine,
  type ThreadSearchHit,
  type ThreadSearchResult,
} from './threads-types.ts';
import { MARK_CLOSE, MARK_OPEN, markToHtml } from './types.ts';

/** bm25 weights (title, body, stems, concepts): the words as typed count more than their stems, a title most. */
const BM25 = 'bm25(thread_post_fts, 4.0, 1.0, 0.5, 0.5)';

const phrase = (tokens: readonly string[]) => `"${tokens.join(' ').replace(/"/g, '""')}"`;
const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * One clause of an analysed query (src/server/text) over thread_post_fts: the words as typed (a
 * single word also as the start of longer ones: "rastre" finds "rastreo"), their stem keys (so
 * "fusil" finds "fusiles" and both languages meet), glossary synonyms and vocabulary concepts.
 * Every token is quoted letters and digits: nothing a reader types is FTS5 syntax.
 */
function clauseMatch(c: QueryClause): string {
  const alts = new Set<string>();
  const words = phrase(c.tokens);
  alts.add(`{title body} : ${words}${!c.quoted && c.tokens.length === 1 && (c.tokens[0]?.length ?? 0) >= 3 ? ' *' : ''}`);
  if (!same(c.keys, c.tokens)) alts.add(`stems : ${phrase(c.keys)}`);
  for (const s of c.synonyms) {
    alts.add(`{title body} : ${phrase(s.tokens)}`);
    if (!same(s.keys, s.tokens)) alts.add(`stems : ${phrase(s.keys)}`);
  }
  for (const concept of [...c.concepts, ...c.related]) alts.add(`concepts : ${phrase([conceptToken(concept)])}`);
  for (const concept of c.concepts) for (const label of conceptLabels(concept)) alts.add(`{title body} : ${phrase(foldedTokens(label))}`);
  return alts.size === 1 ? ([...alts][0] as string) : `(${[...alts].join(' OR ')})`;
}

/** A reader's text as an FTS5 MATCH expression (null when it asks for nothing). */
export function threadMatchExpression(text: string): string | null {
  const q = analyseQuery(text, glossarySynonyms());
  const groups = q.groups.map((g) => (g.length === 1 ? clauseMatch(g[0]!) : `(${g.map(clauseMatch).join(' OR ')})`));
  if (!groups.length) return null;
  const positive = groups.join(' AND ');
  return q.excluded.length ? `(${positive}) NOT (${q.excluded.map(clauseMatch).join(' OR ')})` : positive;
}

export async function fts5SearchThreads(
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

export const fts5ThreadEngine: ThreadSearchEngine & { sync(postIds: readonly number[]): Promise<void>; reindex(): Promise<void> } = {
  name: 'fts5',
  search: fts5SearchThreads,
  async sync(postIds) {
    await db().transaction((tx) => syncThreadPostsIndex(tx, postIds));
  },
  async reindex() {
    await db().transaction((tx) => rebuildThreadIndex(tx));
  },
};
