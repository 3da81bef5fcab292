/**
 * The embedded engine for thread search: FTS5 over thread_post_fts says which posts match; the
 * reader's access and the category filter are decided over in-memory columns
 * (threads-fts5-columns.ts), bm25 and snippet() come from FTS5 for the few rows that need them.
 *
 * A text that matches very many posts (a common word over 400,000 posts) is ranked among its
 * newest THREAD_SEARCH_CANDIDATES matches only (STACK-NOTES 12), and the page says the results
 * are the most relevant of those.
 */
import { sql } from 'drizzle-orm';
import type { Reader } from '#src/server/access.ts';
import { LruCache } from '#src/server/cache.ts';
import { config } from '#src/server/config.ts';
import { dataVersion } from '#src/server/data-version.ts';
import { db, rawClient } from '#src/server/db.ts';
import { visibleScopeSql } from '#src/server/scopes.ts';
import { syncThreadPostsIndex, rebuildThreadIndex } from './threads-fts5-index.ts';
import { analyseQuery, conceptLabels, foldedTokens, glossarySynonyms, type QueryClause } from '#src/server/text/index.ts';
import { cachedIndexAnswer, type RankWindow } from './fts5-match-cache.ts';
import { conceptToken } from './seizure-text.ts';
import { findable, noteTail, threadColumns, visibleThreadScopes } from './threads-fts5-columns.ts';
import { allRows, col, rawSql, type RawExec } from '#src/server/sql.ts';
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
function clauseMatch(c: QueryClause, complete: ReadonlySet<string>): string {
  const alts = new Set<string>();
  const words = phrase(c.tokens);
  const asPrefix = !c.quoted && c.tokens.length === 1 && (c.tokens[0]?.length ?? 0) >= 3;
  // A word no other indexed term starts with: the prefix query matches exactly the word, so it is
  // asked as the word (FTS5 merges the whole doclist of a prefix on every statement). Written in
  // parentheses so that it stays an alternative of its own where a synonym is the same word, and
  // bm25 sums the same phrases as before.
  alts.add(`{title body} : ${asPrefix ? (complete.has(c.tokens[0]!) ? `(${words})` : `${words} *`) : words}`);
  if (!same(c.keys, c.tokens)) alts.add(`stems : ${phrase(c.keys)}`);
  for (const s of c.synonyms) {
    alts.add(`{title body} : ${phrase(s.tokens)}`);
    if (!same(s.keys, s.tokens)) alts.add(`stems : ${phrase(s.keys)}`);
  }
  for (const concept of [...c.concepts, ...c.related]) alts.add(`concepts : ${phrase([conceptToken(concept)])}`);
  for (const concept of c.concepts) for (const label of conceptLabels(concept)) alts.add(`{title body} : ${phrase(foldedTokens(label))}`);
  return alts.size === 1 ? ([...alts][0] as string) : `(${[...alts].join(' OR ')})`;
}

/**
 * A reader's text as an FTS5 MATCH expression (null when it asks for nothing). `complete`: single
 * words known to be the only indexed term they start with (completeWords), asked without the prefix.
 */
export function threadMatchExpression(text: string, complete: ReadonlySet<string> = new Set()): string | null {
  const q = analyseQuery(text, glossarySynonyms());
  const clause = (c: QueryClause) => clauseMatch(c, complete);
  const groups = q.groups.map((g) => (g.length === 1 ? clause(g[0]!) : `(${g.map(clause).join(' OR ')})`));
  if (!groups.length) return null;
  const positive = groups.join(' AND ');
  return q.excluded.length ? `(${positive}) NOT (${q.excluded.map(clause).join(' OR ')})` : positive;
}

/**
 * The single words of a query that no other indexed term starts with (in any column: a longer
 * term anywhere keeps the prefix, erring on the side of the full query). Only plain a–z/0–9 words,
 * which the index's tokenizer keeps as they are; one seek in the term list each
 * (thread_post_fts_instances, migration 0016), not cached: the next post may add a longer word.
 */
export async function completeWords(ex: RawExec, text: string): Promise<Set<string>> {
  const q = analyseQuery(text, glossarySynonyms());
  const words = new Set<string>();
  for (const c of [...q.groups.flat(), ...q.excluded])
    if (!c.quoted && c.tokens.length === 1 && /^[a-z0-9]{3,}$/.test(c.tokens[0]!)) words.add(c.tokens[0]!);
  const complete = new Set<string>();
  for (const word of words) {
    const [next] = await allRows(
      ex,
      { term: col.text },
      'SELECT term FROM thread_post_fts_instances WHERE term >= ? ORDER BY term LIMIT 1',
      [`${word}\u0001`],
    );
    if (!next || !next.term.startsWith(word)) complete.add(word);
  }
  return complete;
}

/** Snippets of posts per index version, expression and post (at most this many; ~0.5 KB each). */
const snippetCache = new LruCache<string>(10_000);

/**
 * snippet() of the given posts (all among `candidates`, the newest matches ascending), along FTS5's
 * newest-first walk of the match, which stops at the oldest of them (the k-th newest candidate).
 * Any rowid bound instead (`rowid >= lo`, `rowid IN (…)`) makes FTS5 read every phrase's whole
 * doclist: measured at 400,000 posts, 55–250 ms for the 8 phrases of `fusiles` against ~1 ms.
 */
async function pageSnippets(match: string, ids: readonly number[], candidates: Int32Array): Promise<{ id: number; s: string }[]> {
  const list = JSON.stringify(ids);
  let lo = Infinity;
  let hi = -Infinity;
  for (const id of ids) {
    lo = Math.min(lo, id);
    hi = Math.max(hi, id);
  }
  let first = 0;
  for (let step = candidates.length; step > 0; step >>= 1)
    while (first + step <= candidates.length && (candidates[first + step - 1] as number) < lo) first += step;
  const snippets = await allRows(
    rawClient(),
    { id: col.int, s: col.text },
    `SELECT id, s FROM (
       SELECT rowid AS id, CASE WHEN rowid IN (SELECT value FROM json_each(?)) THEN snippet(thread_post_fts, -1, ?, ?, '…', 24) END AS s
       FROM thread_post_fts WHERE thread_post_fts MATCH ? ORDER BY rowid DESC LIMIT ?)
     WHERE s IS NOT NULL`,
    [list, MARK_OPEN, MARK_CLOSE, match, candidates.length - first],
  );
  const found = new Set(snippets.map((r) => r.id));
  const missing = ids.filter((id) => !found.has(id));
  if (!missing.length) return snippets;
  // Posts indexed since the candidates were listed moved the walk's end: the rest the bounded way
  // (`+rowid`: checked by SQLite row by row, not handed to FTS5, which would re-read the doclists per id).
  const rest = await allRows(
    rawClient(),
    { id: col.int, s: col.text },
    `SELECT rowid AS id, snippet(thread_post_fts, -1, ?, ?, '…', 24) AS s FROM thread_post_fts
     WHERE thread_post_fts MATCH ? AND rowid >= ? AND rowid <= ? AND +rowid IN (SELECT value FROM json_each(?))`,
    [MARK_OPEN, MARK_CLOSE, match, lo, hi, JSON.stringify(missing)],
  );
  return [...snippets, ...rest];
}

/** The hits of a page, in the order given, with their thread and a snippet (access checked once more in SQL). */
async function pageHits(
  version: number,
  match: string,
  ids: readonly number[],
  candidates: Int32Array,
  reader: Reader,
  categoryId: number | undefined,
): Promise<ThreadSearchHit[]> {
  if (!ids.length) return [];
  const list = JSON.stringify(ids);
  // A snippet depends only on the post's text and the expression: kept per index version, so
  // the readers of a popular text share them (a prefix or a phrase makes FTS5 read whole doclists
  // even along pageSnippets' walk: 10–20 ms for `firearm`, `"casquillos balística"`).
  const keyOf = (id: number) => `${config.databaseUrl}\u0000${version}\u0000${match}\u0000${id}`;
  const snippetOf = new Map<number, string>();
  for (const id of ids) {
    const known = snippetCache.get(keyOf(id));
    if (known !== undefined) snippetOf.set(id, known);
  }
  const unknown = ids.filter((id) => !snippetOf.has(id));
  if (unknown.length) {
    for (const r of await pageSnippets(match, unknown, candidates)) {
      snippetOf.set(r.id, r.s);
      snippetCache.set(keyOf(r.id), r.s);
    }
  }
  // The columns decided access; the same rule in SQL guards the page itself.
  const access = rawSql(
    sql`p.hidden_at IS NULL AND p.deleted_at IS NULL AND t.hidden_at IS NULL AND ${visibleScopeSql(reader, sql`t.scope_set_id`)}`,
  );
  const rows = await allRows(
    rawClient(),
    {
      id: col.int,
      thread_id: col.int,
      seq: col.int,
      title: col.text,
      category_id: col.int,
      author_id: col.text,
      author_agency_code: col.text,
      created_at: col.int,
    },
    `SELECT p.id, p.thread_id, p.seq, t.title, t.category_id, p.author_id, p.author_agency_code, p.created_at
     FROM thread_posts p JOIN threads t ON t.id = p.thread_id
     WHERE p.id IN (SELECT value FROM json_each(?)) AND ${access.sql}${categoryId ? ' AND t.category_id = ?' : ''}`,
    [list, ...access.params, ...(categoryId ? [categoryId] : [])],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id): ThreadSearchHit[] => {
    const row = byId.get(id);
    const s = snippetOf.get(id);
    if (!row || s === undefined) return [];
    return [threadHit(row, s)];
  });
}

/** A post as both engines read it for a hit (thread_posts joined to its thread). */
export interface ThreadHitRow {
  id: number;
  thread_id: number;
  seq: number;
  title: string;
  category_id: number;
  author_id: string;
  author_agency_code: string;
  created_at: number;
}

/** A search hit from its post row and FTS5's marked snippet. */
export function threadHit(row: ThreadHitRow, markedSnippet: string): ThreadSearchHit {
  return {
    postId: row.id,
    threadId: row.thread_id,
    seq: row.seq,
    threadTitle: row.title,
    categoryId: row.category_id,
    authorId: row.author_id,
    authorAgencyCode: row.author_agency_code,
    createdAt: new Date(Number(row.created_at)),
    snippet: markToHtml(markedSnippet),
  };
}

/**
 * A reader's text as the MATCH expression asked of the index, per database and index version
 * (completeWords reads the term list, which the next post may change): a handful of SQL seeks
 * and the query analysis, the same for every reader.
 */
const matchExpressions = new LruCache<Promise<string | null>>(1000);

function cachedMatchExpression(ex: RawExec, version: number, text: string): Promise<string | null> {
  return matchExpressions.getOrLoad(`${config.databaseUrl}\u0000${version}\u0000${text}`, async () =>
    threadMatchExpression(text, await completeWords(ex, text)),
  );
}

/** Forgets the cached expressions and snippets (benchmarks: a first search; tests that replace the database). */
export function clearThreadSearchCaches(): void {
  matchExpressions.clear();
  snippetCache.clear();
}

/**
 * A text query. FTS5 says which posts match; the newest THREAD_SEARCH_CANDIDATES of them are the
 * candidates, with their bm25 scores; which of those the reader may find is decided over the
 * in-memory columns (threads-fts5-columns.ts; posts newer than the columns in SQL), and the page
 * ordered by score (then newest first). Same answer as ranking the candidates in one SQL join.
 *
 * FTS5's answer (candidates and scores) does not depend on the reader, only on the text of the
 * index: it is kept per text and index data version ('thread_index', raised by triggers on every
 * change of thread_post_search, migration 0017) in fts5-match-cache.ts, so a popular word costs
 * bm25's set-up (it counts the documents of each of the expression's 11–15 phrases over the whole
 * index: 50–200 ms at 400,000 posts) once per change of the index, not once per search.
 */
export async function fts5SearchThreads(
  query: Parameters<ThreadSearchEngine['search']>[0],
  reader: Reader | null,
): Promise<ThreadSearchResult> {
  const q = normalizeThreadQuery(query);
  const empty = { total: 0, capped: false, page: q.page, pageSize: q.pageSize, hits: [] };
  if (!reader || !threadMatchExpression(q.text)) return empty;
  const ex = rawClient();
  const version = await dataVersion('thread_index', ex);
  const match = (await cachedMatchExpression(ex, version, q.text))!;
  const c = await threadColumns(ex);
  const { ids: candidates, scores } = await cachedIndexAnswer('thread_post_fts', config.databaseUrl, version, match, () =>
    newestMatches(ex, match),
  );
  const capped = candidates.length >= THREAD_SEARCH_CANDIDATES;
  const visible = visibleThreadScopes(c, reader);
  const ranked: { id: number; score: number }[] = [];
  const tail = new Map<number, number>();
  for (let i = 0; i < candidates.length; i++) {
    const id = candidates[i] as number;
    const ok = findable(c, visible, q.categoryId, id);
    if (ok === undefined) tail.set(id, scores[i] as number);
    else if (ok) ranked.push({ id, score: scores[i] as number });
  }
  if (tail.size) {
    for (const id of await findableInSql([...tail.keys()], reader, q.categoryId)) ranked.push({ id, score: tail.get(id) as number });
    noteTail(tail.size);
  }
  const total = ranked.length;
  const offset = (q.page - 1) * q.pageSize;
  if (total <= offset) return { ...empty, total, capped };
  ranked.sort((a, b) => a.score - b.score || b.id - a.id);
  const ids = ranked.slice(offset, offset + q.pageSize).map((r) => r.id);
  return { total, capped, page: q.page, pageSize: q.pageSize, hits: await pageHits(version, match, ids, candidates, reader, q.categoryId) };
}

/**
 * The newest THREAD_SEARCH_CANDIDATES posts matching an FTS5 expression with their bm25 scores,
 * ascending by rowid. FTS5 walks the doclists newest first and stops there: all the matches of a
 * common word over 400,000 posts cost ~150–800 ms to list, the newest 2,000 a few milliseconds.
 * One statement for both: each statement pays FTS5's per-query set-up (bm25 counts the documents
 * of every phrase) once.
 */
async function newestMatches(ex: RawExec, match: string): Promise<RankWindow> {
  const [row] = await allRows(
    ex,
    { scored: col.textOrNull },
    `SELECT group_concat(id || ' ' || printf('%.17g', score), ' ') AS scored
     FROM (SELECT rowid AS id, ${BM25} AS score FROM thread_post_fts WHERE thread_post_fts MATCH ? ORDER BY rowid DESC LIMIT ${THREAD_SEARCH_CANDIDATES})`,
    [match],
  );
  const parts = row?.scored ? row.scored.split(' ') : [];
  const n = Math.floor(parts.length / 2);
  // Stored ascending by rowid (group_concat's order is not promised, so sorted here).
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => Number(parts[2 * a]) - Number(parts[2 * b]));
  const ids = new Int32Array(n);
  const scores = new Float64Array(n);
  order.forEach((from, i) => {
    ids[i] = Number(parts[2 * from]);
    scores[i] = Number(parts[2 * from + 1]);
  });
  return { ids, scores, exact: null };
}

/** Posts past the columns' build: who may find them, in SQL (the reader's access in the query). */
async function findableInSql(ids: readonly number[], reader: Reader, categoryId: number | undefined): Promise<number[]> {
  const access = rawSql(
    sql`p.hidden_at IS NULL AND p.deleted_at IS NULL AND t.hidden_at IS NULL AND ${visibleScopeSql(reader, sql`t.scope_set_id`)}`,
  );
  const rows = await allRows(
    rawClient(),
    { id: col.int },
    `SELECT p.id FROM thread_posts p JOIN threads t ON t.id = p.thread_id
     WHERE p.id IN (SELECT value FROM json_each(?)) AND ${access.sql}${categoryId ? ' AND t.category_id = ?' : ''}`,
    [JSON.stringify(ids), ...access.params, ...(categoryId ? [categoryId] : [])],
  );
  return rows.map((r) => r.id);
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
