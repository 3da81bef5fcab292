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
    const ex = rawClient();
    const [count] = await allRows(ex, { n: col.int }, `SELECT count(*) AS n FROM ${w.from} WHERE ${w.clause}`, w.params);
    const order =
      n.sort === 'relevance'
        ? `${DOCUMENT_BM25}, d.updated_at DESC`
        : n.sort === 'created_asc'
          ? 'd.created_at ASC, d.id ASC'
          : n.sort === 'created_desc'
            ? 'd.created_at DESC, d.id DESC'
            : n.sort === 'title_asc'
              ? 'coalesce(d.title_es, d.title_en) COLLATE NOCASE ASC, d.id ASC'
              : 'd.updated_at DESC, d.id DESC';
    const rows = await allRows(
      ex,
      { id: col.int, s: col.text },
      `SELECT d.id, snippet(document_fts, -1, '${MARK_OPEN}', '${MARK_CLOSE}', '…', 24) AS s FROM ${w.from} WHERE ${w.clause}
       ORDER BY ${order} LIMIT ? OFFSET ?`,
      [...w.params, n.pageSize, (n.page - 1) * n.pageSize],
    );
    return {
      total: count?.n ?? 0,
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
