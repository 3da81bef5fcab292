/**
 * Meilisearch engine for thread search (when MEILISEARCH_URL is set): one document per findable
 * post, the thread's scope tokens on each, and the reader's tokens as the filter `scope IN [...]`
 * of every search. The database stays the source of truth: documents are rebuilt from it, and a
 * post that stops being findable (hidden, deleted, its thread hidden) is deleted from the index.
 */
import { Meilisearch, type SearchParams } from 'meilisearch';
import { sql } from 'drizzle-orm';
import { readerTokens, seesEverything, type Reader } from '#src/server/access.ts';
import { db } from '#src/server/db.ts';
import { searchableText } from '#src/server/threads/markdown.ts';
import { normalizeThreadQuery, type ThreadSearchEngine, type ThreadSearchQuery, type ThreadSearchResult } from './threads-types.ts';
import { MARK_CLOSE, MARK_OPEN, markToHtml } from './types.ts';

export const MEILI_THREAD_INDEX = 'thread_posts';

export interface MeiliThreadPostDoc {
  id: number;
  threadId: number;
  seq: number;
  threadTitle: string;
  /** The thread title on its first post only (so a title matches once). */
  title: string | null;
  body: string;
  categoryId: number;
  authorId: string;
  authorAgencyCode: string;
  createdAt: number;
  scope: string[];
}

export const MEILI_THREAD_SETTINGS = {
  searchableAttributes: ['title', 'body'],
  filterableAttributes: ['scope', 'categoryId', 'threadId'],
  sortableAttributes: ['createdAt'],
  pagination: { maxTotalHits: 10_000 },
};

function lit(value: string | number): string {
  return `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The search request for a query and reader (pure: unit-tested without a server). */
export function buildMeiliThreadQuery(query: ThreadSearchQuery, reader: Reader): { q: string; params: SearchParams } {
  const n = normalizeThreadQuery(query);
  const filter: string[] = [];
  if (!seesEverything(reader)) filter.push(`scope IN [${readerTokens(reader).map(lit).join(', ')}]`);
  if (n.categoryId) filter.push(`categoryId = ${Number(n.categoryId)}`);
  return {
    q: n.text,
    params: {
      filter,
      page: n.page,
      hitsPerPage: n.pageSize,
      attributesToRetrieve: ['id', 'threadId', 'seq', 'threadTitle', 'categoryId', 'authorId', 'authorAgencyCode', 'createdAt'],
      attributesToCrop: ['body', 'title'],
      cropLength: 24,
      cropMarker: '…',
      attributesToHighlight: ['body', 'title'],
      highlightPreTag: MARK_OPEN,
      highlightPostTag: MARK_CLOSE,
    },
  };
}

/** Documents of the given posts that are findable, read from the database. */
export async function meiliThreadDocuments(postIds: readonly number[]): Promise<MeiliThreadPostDoc[]> {
  if (!postIds.length) return [];
  const rows = await db().all<{
    id: number;
    thread_id: number;
    seq: number;
    title: string;
    body: string;
    category_id: number;
    author_id: string;
    author_agency_code: string;
    created_at: number;
    tokens: string;
  }>(sql`
    SELECT p.id, p.thread_id, p.seq, t.title, p.body, t.category_id, p.author_id, p.author_agency_code, p.created_at, ss.tokens
    FROM thread_posts p JOIN threads t ON t.id = p.thread_id JOIN scope_sets ss ON ss.id = t.scope_set_id
    WHERE p.id IN (SELECT value FROM json_each(${JSON.stringify(postIds)}))
      AND p.hidden_at IS NULL AND p.deleted_at IS NULL AND t.hidden_at IS NULL`);
  return rows.map((r) => ({
    id: r.id,
    threadId: r.thread_id,
    seq: r.seq,
    threadTitle: r.title,
    title: r.seq === 1 ? r.title : null,
    body: searchableText(r.body),
    categoryId: r.category_id,
    authorId: r.author_id,
    authorAgencyCode: r.author_agency_code,
    createdAt: r.created_at,
    scope: r.tokens.split(' '),
  }));
}

export function createMeiliThreadEngine(opts: { host: string; apiKey?: string | undefined; indexName?: string }): ThreadSearchEngine {
  const client = new Meilisearch({ host: opts.host, ...(opts.apiKey ? { apiKey: opts.apiKey } : {}) });
  const indexName = opts.indexName ?? MEILI_THREAD_INDEX;
  const index = client.index<MeiliThreadPostDoc>(indexName);
  let configured = false;
  async function ensureSettings() {
    if (configured) return;
    await client
      .createIndex(indexName, { primaryKey: 'id' })
      .waitTask()
      .catch(() => undefined);
    await index.updateSettings(MEILI_THREAD_SETTINGS).waitTask();
    configured = true;
  }
  async function sync(postIds: readonly number[]) {
    await ensureSettings();
    for (let i = 0; i < postIds.length; i += 5000) {
      const slice = postIds.slice(i, i + 5000);
      const docs = await meiliThreadDocuments(slice);
      const findable = new Set(docs.map((d) => d.id));
      const gone = slice.filter((id) => !findable.has(id));
      if (gone.length) await index.deleteDocuments(gone).waitTask();
      if (docs.length) await index.addDocuments(docs, { primaryKey: 'id' }).waitTask({ timeout: 600_000 });
    }
  }
  return {
    name: 'meilisearch',
    async search(query, reader): Promise<ThreadSearchResult> {
      const n = normalizeThreadQuery(query);
      if (!reader || !n.text) return { total: 0, capped: false, page: n.page, pageSize: n.pageSize, hits: [] };
      await ensureSettings();
      const { q, params } = buildMeiliThreadQuery(n, reader);
      const res = await index.search(q, params);
      return {
        total: (res as { totalHits?: number }).totalHits ?? res.estimatedTotalHits ?? 0,
        capped: false,
        page: n.page,
        pageSize: n.pageSize,
        hits: res.hits.map((h) => {
          const f = (h._formatted ?? {}) as Partial<Record<'body' | 'title', string>>;
          const marked = [f.title, f.body].find((v) => v?.includes(MARK_OPEN));
          return {
            postId: h.id,
            threadId: h.threadId,
            seq: h.seq,
            threadTitle: h.threadTitle,
            categoryId: h.categoryId,
            authorId: h.authorId,
            authorAgencyCode: h.authorAgencyCode,
            createdAt: new Date(h.createdAt),
            snippet: markToHtml(marked ?? f.body ?? ''),
          };
        }),
      };
    },
    sync,
    async reindex() {
      await ensureSettings();
      await index.deleteAllDocuments().waitTask();
      const ids = (await db().all<{ id: number }>(sql`SELECT id FROM thread_posts ORDER BY id`)).map((r) => r.id);
      await sync(ids);
    },
  };
}
