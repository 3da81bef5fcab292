/**
 * Document search: the embedded FTS5 engine (default; the library's SQL joins document_fts) or
 * Meilisearch when MEILISEARCH_URL is set. Both answer the same LibraryQuery with the reader's
 * access inside the query, and pass tests/unit/documents-search-contract.test.ts.
 */
import type { Reader } from '#src/server/access.ts';
import { config } from '#src/server/config.ts';
import { rawClient } from '#src/server/db.ts';
import { allRows, col, writeTransaction } from '#src/server/sql.ts';
import { buildDocumentWhere } from './documents-filter.ts';
import { DOCUMENT_BM25, indexDocumentsFts } from './documents-fts5.ts';
import { createMeiliDocumentEngine } from './documents-meili.ts';
import { normalizeLibraryQuery, type DocumentSearchEngine, type LibraryQuery } from './documents-types.ts';
import { MARK_CLOSE, MARK_OPEN, markToHtml } from './types.ts';

export * from './documents-types.ts';

export const fts5DocumentEngine: DocumentSearchEngine = {
  name: 'fts5',
  async search(query: LibraryQuery, reader: Reader) {
    const n = normalizeLibraryQuery(query);
    const w = buildDocumentWhere(n, reader);
    if (!w.match) return { total: 0, ids: [], snippets: new Map() };
    // The order over the columns of the hits below (`t` = hits or page).
    const order = (t: string) =>
      n.sort === 'relevance'
        ? `${t}.rank, ${t}.updated DESC`
        : n.sort === 'created_asc'
          ? `${t}.created ASC, ${t}.id ASC`
          : n.sort === 'created_desc'
            ? `${t}.created DESC, ${t}.id DESC`
            : n.sort === 'title_asc'
              ? `${t}.title COLLATE NOCASE ASC, ${t}.id ASC`
              : `${t}.updated DESC, ${t}.id DESC`;
    // One pass over the matches the reader may see gives both the total and the page (the access
    // clause costs per match: counting in a query of its own doubled it); snippets are made for the
    // page's rows only.
    const rows = await allRows(
      rawClient(),
      { id: col.int, total: col.int, s: col.text },
      `WITH hits AS MATERIALIZED (
         SELECT d.id AS id, ${DOCUMENT_BM25} AS rank, d.updated_at AS updated, d.created_at AS created,
           coalesce(d.title_es, d.title_en) AS title
         FROM ${w.from} WHERE ${w.clause}),
       page AS (SELECT id, rank, updated, created, title FROM hits ORDER BY ${order('hits')} LIMIT ? OFFSET ?)
       SELECT page.id, (SELECT count(*) FROM hits) AS total, snippet(document_fts, -1, '${MARK_OPEN}', '${MARK_CLOSE}', '…', 24) AS s
       FROM page JOIN document_fts ON document_fts.rowid = page.id WHERE document_fts MATCH ? ORDER BY ${order('page')}`,
      [...w.params, n.pageSize, (n.page - 1) * n.pageSize, w.match],
    );
    const total =
      rows[0]?.total ??
      // A page past the end: the total still counts.
      (await allRows(rawClient(), { n: col.int }, `SELECT count(*) AS n FROM ${w.from} WHERE ${w.clause}`, w.params))[0]?.n ??
      0;
    return {
      total,
      ids: rows.map((r) => r.id),
      snippets: new Map(rows.map((r) => [r.id, markToHtml(r.s)])),
    };
  },
  async index(ids) {
    await writeTransaction((tx) => indexDocumentsFts(tx, ids));
  },
  async reindex(progress) {
    progress?.(0, 1);
    await writeTransaction((tx) => indexDocumentsFts(tx, 'all'));
    progress?.(1, 1);
  },
};

let meili: { key: string; engine: DocumentSearchEngine } | undefined;

export function documentSearchEngine(): DocumentSearchEngine {
  const settings = config.meilisearch;
  if (!settings) return fts5DocumentEngine;
  const key = `${settings.host}\u0000${settings.apiKey ?? ''}`;
  if (meili?.key !== key) meili = { key, engine: createMeiliDocumentEngine(settings) };
  return meili.engine;
}

/**
 * After a committed change: the FTS5 index was written in the same transaction; Meilisearch
 * (when in use) is updated now, and `npm run search:reindex` repairs it after an outage.
 */
export function afterDocumentsChanged(ids: readonly number[]): void {
  const engine = documentSearchEngine();
  if (engine.name === 'fts5' || !ids.length) return;
  engine.index(ids).catch((error: unknown) => console.error(`document search update failed: ${String(error)}`));
}
