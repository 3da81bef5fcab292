/**
 * Thread search on Meilisearch (when MEILISEARCH_URL is set): one document per findable post, with
 * its thread's title, category, scope tokens and language, fed through the durable search outbox
 * (kind THREAD_POST_KIND, see sources.ts) and rebuilt by `npm run search:reindex` with the
 * zero-downtime swap of remote-index.ts. A post that stops being findable (hidden, deleted, its
 * thread hidden) has no document: the push deletes it from the index.
 *
 * The reader's access is the filter `scope IN [...]` of every search (values escaped), so hits,
 * totals and snippets only ever come from posts the reader may see. The words are matched as
 * FTS5 matches them (threads-fts5.ts): every clause required, as stem keys (inflections and both
 * languages meet) or vocabulary concepts, no typos; alternatives (OR, glossary synonyms) are
 * filters on the documents' stem keys and concepts. Snippets are cut from the embedded index
 * with the same marks as FTS5, for the posts Meilisearch returned, with access checked again.
 */
import type { SearchParams, Settings } from 'meilisearch';
import { sql } from 'drizzle-orm';
import { readerTokens, seesEverything, type Reader } from '#src/server/access.ts';
import { db } from '#src/server/db.ts';
import { visibleScopeSql } from '#src/server/scopes.ts';
import {
  analyseQuery,
  analyseText,
  conceptLabels,
  foldedTokens,
  glossarySynonyms,
  stemKey,
  type AnalysedQuery,
  type QueryClause,
} from '#src/server/text/index.ts';
import { searchableText } from '#src/server/threads/markdown.ts';
import { config } from '#src/server/config.ts';
import type { MeiliConnection } from './meili-client.ts';
import { UnsupportedQuery } from './meilisearch.ts';
import type { SearchSource } from './remote-index.ts';
import { conceptToken } from './seizure-text.ts';
import { threadHit, threadMatchExpression, type ThreadHitRow } from './threads-fts5.ts';
import {
  normalizeThreadQuery,
  THREAD_POST_KIND,
  type ThreadSearchEngine,
  type ThreadSearchHit,
  type ThreadSearchQuery,
  type ThreadSearchResult,
} from './threads-types.ts';
import { MARK_CLOSE, MARK_OPEN } from './types.ts';

export const MEILI_THREAD_INDEX = 'thread_posts';

export function threadIndexUid(): string {
  return `${config.meilisearch?.indexPrefix ?? ''}${MEILI_THREAD_INDEX}`;
}

export interface MeiliThreadPostDoc {
  id: number;
  threadId: number;
  seq: number;
  threadTitle: string;
  /** The thread title on its first post only (so a title matches once, as in FTS5). */
  title: string | null;
  body: string;
  /** Stem keys of title (first post) and body, in order: phrases of keys match. */
  stems: string;
  /** The distinct stem keys (filterable: alternatives of a query are a filter). */
  stemKeys: string[];
  /** Vocabulary concepts as index tokens. */
  concepts: string[];
  categoryId: number;
  lang: string;
  authorId: string;
  authorAgencyCode: string;
  createdAt: number;
  /** The thread's scope tokens (its audience). */
  scope: string[];
}

/** What a query term is matched against: the analysed forms only, as FTS5's stems and concepts columns. */
const MATCH_ATTRIBUTES = ['stems', 'concepts'];

export const MEILI_THREAD_SETTINGS = {
  searchableAttributes: MATCH_ATTRIBUTES,
  filterableAttributes: ['scope', 'categoryId', 'threadId', 'lang', 'stemKeys', 'concepts'],
  sortableAttributes: ['createdAt', 'id'],
  // Ties: newest post first, as FTS5 orders equal scores.
  rankingRules: ['words', 'typo', 'proximity', 'attribute', 'exactness', 'createdAt:desc', 'id:desc'],
  // FTS5 has no typo tolerance: Meilisearch's would find other posts.
  typoTolerance: { enabled: false },
  // Terms are exact stem-key phrases (FTS5 matches whole stem keys).
  prefixSearch: 'disabled',
  pagination: { maxTotalHits: 1_000_000 },
} satisfies Settings;

const lit = (value: string | number) => `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** A clause FTS5 matches in one form only: its stem keys (no synonyms, no vocabulary concept). */
const singleForm = (c: QueryClause) => !c.synonyms.length && !c.related.length && !c.concepts.length;
const clauseTerm = (c: QueryClause) => `"${c.keys.join(' ')}"`;

/**
 * Every form FTS5 accepts for a clause (threads-fts5.ts clauseMatch) as exact values of the
 * documents' stemKeys and concepts: its stem key, its synonyms', its concepts (and related
 * calibres) and their one-word names. A form of several words cannot be a filter value: then the
 * query is UnsupportedQuery and FTS5 answers it. (A concept of the text vocabulary is in the
 * documents' concepts whatever its spelling; places are not, so their names must be matchable.)
 */
function alternatives(c: QueryClause, into: Map<'stemKeys' | 'concepts', Set<string>> = new Map()) {
  const add = (attr: 'stemKeys' | 'concepts', v: string) => {
    let set = into.get(attr);
    if (!set) into.set(attr, (set = new Set()));
    set.add(v);
  };
  const places = c.concepts.some((concept) => concept.startsWith('place:'));
  const keys = (k: readonly string[], coveredByConcept: boolean) => {
    if (k.length === 1) add('stemKeys', k[0]!);
    else if (!coveredByConcept) throw new UnsupportedQuery(c.text);
  };
  for (const concept of [...c.concepts, ...c.related]) add('concepts', conceptToken(concept));
  keys(c.keys, c.concepts.length > 0 && !places);
  for (const concept of c.concepts)
    for (const label of conceptLabels(concept)) keys(foldedTokens(label).map(stemKey), !concept.startsWith('place:'));
  for (const s of c.synonyms) keys(s.keys, false);
  return into;
}

/** An analysed query as Meilisearch's `q` (exact terms) and filters (alternatives, exclusions). */
export function toMeiliThreadQuery(a: AnalysedQuery): { q: string; filter: string[] } {
  const terms: string[] = [];
  const filter: string[] = [];
  for (const group of a.groups) {
    const only = group.length === 1 ? group[0] : undefined;
    if (only && singleForm(only)) {
      terms.push(clauseTerm(only));
      continue;
    }
    const alts = new Map<'stemKeys' | 'concepts', Set<string>>();
    for (const c of group) alternatives(c, alts);
    filter.push([...alts].map(([attr, values]) => `${attr} IN [${[...values].map(lit).join(', ')}]`).join(' OR '));
  }
  for (const c of a.excluded) {
    if (singleForm(c)) terms.push(`-${clauseTerm(c)}`);
    else for (const [attr, values] of alternatives(c)) for (const v of values) filter.push(`NOT ${attr} = ${lit(v)}`);
  }
  return { q: terms.join(' '), filter };
}

/** The search request for a query and reader (pure: unit-tested without a server). */
export function buildMeiliThreadQuery(query: ThreadSearchQuery, reader: Reader): { q: string; params: SearchParams } {
  const n = normalizeThreadQuery(query);
  const access = seesEverything(reader) ? [] : [`scope IN [${readerTokens(reader).map(lit).join(', ')}]`];
  const category = n.categoryId ? [`categoryId = ${Number(n.categoryId)}`] : [];
  const { q, filter } = toMeiliThreadQuery(analyseQuery(n.text, glossarySynonyms()));
  return {
    q,
    params: {
      filter: [...access, ...category, ...filter],
      matchingStrategy: 'all',
      attributesToSearchOn: MATCH_ATTRIBUTES,
      page: n.page,
      hitsPerPage: n.pageSize,
      attributesToRetrieve: ['id'],
    },
  };
}

/** The document of a post, from its row (the analysis as FTS5's thread_post_search row has it). */
function toDoc(r: {
  id: number;
  thread_id: number;
  seq: number;
  title: string;
  body: string;
  category_id: number;
  lang: string;
  author_id: string;
  author_agency_code: string;
  created_at: number;
  tokens: string;
}): MeiliThreadPostDoc {
  const text = searchableText(r.body);
  const ownTitle = r.seq === 1 ? r.title : null;
  const analysed = analyseText(ownTitle ? `${ownTitle} ${text}` : text);
  return {
    id: r.id,
    threadId: r.thread_id,
    seq: r.seq,
    threadTitle: r.title,
    title: ownTitle,
    body: text,
    stems: analysed.keys.join(' '),
    stemKeys: [...new Set(analysed.keys)],
    concepts: [...new Set(analysed.concepts.map(conceptToken))],
    categoryId: r.category_id,
    lang: r.lang,
    authorId: r.author_id,
    authorAgencyCode: r.author_agency_code,
    createdAt: Number(r.created_at),
    scope: r.tokens.split(' ').filter(Boolean),
  };
}

/** Documents of the given posts that are findable, read from the database. */
export async function meiliThreadDocuments(postIds: readonly (number | string)[]): Promise<MeiliThreadPostDoc[]> {
  if (!postIds.length) return [];
  const rows = await db().all<Parameters<typeof toDoc>[0]>(sql`
    SELECT p.id, p.thread_id, p.seq, t.title, p.body, t.category_id, p.lang, p.author_id, p.author_agency_code, p.created_at, ss.tokens
    FROM thread_posts p JOIN threads t ON t.id = p.thread_id JOIN scope_sets ss ON ss.id = t.scope_set_id
    WHERE p.id IN (SELECT CAST(value AS INTEGER) FROM json_each(${JSON.stringify(postIds.map(String))}))
      AND p.hidden_at IS NULL AND p.deleted_at IS NULL AND t.hidden_at IS NULL`);
  return rows.map(toDoc);
}

/** Thread posts as a source of the remote index (outbox kind, documents, rebuild). */
export function threadPostSource(indexUid: string = threadIndexUid()): SearchSource {
  return {
    kind: THREAD_POST_KIND,
    indexUid,
    settings: () => Promise.resolve(MEILI_THREAD_SETTINGS),
    documents: (ids) => meiliThreadDocuments(ids),
    async idsAfter(after, limit) {
      const rows = await db().all<{ id: number }>(
        sql`SELECT id FROM thread_posts WHERE id > ${after === null ? 0 : Number(after)} ORDER BY id LIMIT ${limit}`,
      );
      return rows.map((r) => String(r.id));
    },
    async count() {
      const [row] = await db().all<{ n: number }>(sql`SELECT count(*) AS n FROM thread_posts`);
      return Number(row?.n ?? 0);
    },
  };
}

/** The hits of the given post ids, in that order, with FTS5's snippets; access is checked again. */
async function loadThreadHits(ids: readonly number[], text: string, reader: Reader): Promise<ThreadSearchHit[]> {
  if (!ids.length) return [];
  const json = JSON.stringify(ids);
  const rows = await db().all<ThreadHitRow>(sql`
    SELECT p.id, p.thread_id, p.seq, t.title, t.category_id, p.author_id, p.author_agency_code, p.created_at
    FROM thread_posts p JOIN threads t ON t.id = p.thread_id
    WHERE p.id IN (SELECT value FROM json_each(${json}))
      AND p.hidden_at IS NULL AND p.deleted_at IS NULL AND t.hidden_at IS NULL AND ${visibleScopeSql(reader, sql`t.scope_set_id`)}`);
  const match = threadMatchExpression(text);
  const snippets = new Map<number, string>();
  if (match) {
    const marked = await db().all<{ id: number; s: string }>(sql`
      SELECT rowid AS id, snippet(thread_post_fts, -1, ${MARK_OPEN}, ${MARK_CLOSE}, '…', 24) AS s FROM thread_post_fts
      WHERE thread_post_fts MATCH ${match} AND rowid IN (SELECT value FROM json_each(${json}))`);
    for (const m of marked) snippets.set(Number(m.id), m.s);
  }
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  return ids.flatMap((id): ThreadSearchHit[] => {
    const r = byId.get(id);
    return r ? [threadHit(r, snippets.get(id) ?? '')] : [];
  });
}

export interface MeiliThreadEngine extends ThreadSearchEngine {
  readonly name: 'meilisearch';
  readonly source: SearchSource;
}

/** Thread search against the live index of `indexUid` (the search key is used: searches only). */
export function createMeiliThreadEngine(connection: MeiliConnection, indexUid: string = threadIndexUid()): MeiliThreadEngine {
  const source = threadPostSource(indexUid);
  return {
    name: 'meilisearch',
    source,
    async search(query, reader): Promise<ThreadSearchResult> {
      const n = normalizeThreadQuery(query);
      const empty = { total: 0, capped: false, page: n.page, pageSize: n.pageSize, hits: [] };
      if (!reader || !threadMatchExpression(n.text)) return empty;
      const { q, params } = buildMeiliThreadQuery(n, reader);
      const res = await connection.search.index<{ id: number }>(indexUid).search(q, params);
      // page + hitsPerPage ask for the exhaustive total (totalHits).
      const total = (res as { totalHits?: number }).totalHits ?? res.estimatedTotalHits ?? 0;
      const hits = await loadThreadHits(
        res.hits.map((h) => Number(h.id)),
        n.text,
        reader,
      );
      return { total, capped: false, page: n.page, pageSize: n.pageSize, hits };
    },
  };
}
