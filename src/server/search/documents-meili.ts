/**
 * Documents on Meilisearch (when MEILISEARCH_URL is set): one search document per library
 * document with its access facts (owner, scope tokens while the share is not revoked, expiry),
 * and the reader's access as the filter of every search. The database stays the source of truth.
 */
import { Meilisearch, type SearchParams } from 'meilisearch';
import { documentListAccess, type Reader } from '#src/server/access.ts';
import { rawClient } from '#src/server/db.ts';
import { documentOriginVisibleSql } from '#src/server/documents/origin.ts';
import { allRows, col, rawSql } from '#src/server/sql.ts';
import { documentScopeWhere } from './documents-filter.ts';
import { normalizeLibraryQuery, type DocumentSearchEngine, type LibraryQuery } from './documents-types.ts';
import { MARK_CLOSE, MARK_OPEN, markToHtml } from './types.ts';

export const MEILI_DOCUMENTS_INDEX = 'documents';

export interface MeiliDocument {
  id: number;
  title: string;
  description: string;
  tags: string[];
  names: string;
  body: string;
  type: string;
  agency: string;
  language: string;
  ownerId: string;
  /** Empty while the share is revoked: then only the owner (and admins) find it. */
  scope: string[];
  /** Milliseconds; 0: the share does not expire. */
  expiresAt: number;
  updatedAt: number;
  createdAt: number;
  links: string[];
}

export const MEILI_DOCUMENT_SETTINGS = {
  searchableAttributes: ['title', 'tags', 'description', 'names', 'body'],
  filterableAttributes: ['id', 'type', 'agency', 'language', 'ownerId', 'scope', 'expiresAt', 'updatedAt', 'tags', 'links'],
  sortableAttributes: ['updatedAt', 'createdAt', 'title'],
  pagination: { maxTotalHits: 1_000_000 },
};

const lit = (value: string | number) => `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The search request for a query and reader (pure: unit-tested without a server). */
export function buildMeiliDocumentQuery(
  query: LibraryQuery,
  reader: Reader,
  excludedIds: readonly number[] = [],
): { q: string; params: SearchParams } {
  const n = normalizeLibraryQuery(query);
  const filter: string[] = [];
  const access = documentListAccess(reader);
  if (!access.all)
    filter.push(
      `(ownerId = ${lit(access.ownerId)} OR (scope IN [${access.tokens.map(lit).join(', ')}] AND (expiresAt = 0 OR expiresAt > ${n.now.getTime()})))`,
    );
  if (excludedIds.length) filter.push(`id NOT IN [${excludedIds.join(', ')}]`);
  if (n.tab === 'mine') filter.push(`ownerId = ${lit(reader.id)}`);
  else if (n.tab === 'agency') filter.push(`agency = ${lit(reader.agencyCode)}`);
  else filter.push(`ownerId != ${lit(reader.id)}`);
  if (n.type.length) filter.push(`type IN [${n.type.map(lit).join(', ')}]`);
  if (n.agency.length) filter.push(`agency IN [${n.agency.map(lit).join(', ')}]`);
  if (n.language.length) filter.push(`language IN [${n.language.map(lit).join(', ')}]`);
  if (n.tag) filter.push(`tags = ${lit(n.tag)}`);
  if (n.linked) filter.push(`links = ${lit(`${n.linked.kind}:${n.linked.target}`)}`);
  if (n.dateFrom) filter.push(`updatedAt >= ${Date.parse(`${n.dateFrom}T00:00:00Z`)}`);
  if (n.dateTo) filter.push(`updatedAt < ${Date.parse(`${n.dateTo}T00:00:00Z`) + 86_400_000}`);
  const sort =
    n.sort === 'created_desc'
      ? ['createdAt:desc']
      : n.sort === 'created_asc'
        ? ['createdAt:asc']
        : n.sort === 'title_asc'
          ? ['title:asc']
          : n.sort === 'updated_desc'
            ? ['updatedAt:desc']
            : undefined;
  return {
    q: n.text,
    params: {
      filter,
      ...(sort ? { sort } : {}),
      page: n.page,
      hitsPerPage: n.pageSize,
      attributesToRetrieve: ['id'],
      attributesToCrop: ['body', 'description'],
      cropLength: 24,
      cropMarker: '…',
      attributesToHighlight: ['title', 'description', 'body', 'tags'],
      highlightPreTag: MARK_OPEN,
      highlightPostTag: MARK_CLOSE,
    },
  };
}

/**
 * Attachments the reader's scope would admit but whose thread post or request does not (a hidden
 * or deleted post, a hidden thread): few, read from the database at each search and filtered out
 * inside the query, so totals and pages never count them.
 */
export async function hiddenAttachmentIds(reader: Reader, now: Date): Promise<number[]> {
  if (documentListAccess(reader).all) return [];
  const scope = documentScopeWhere(reader, now);
  const origin = rawSql(documentOriginVisibleSql(reader));
  const rows = await allRows(
    rawClient(),
    { id: col.int },
    `SELECT d.id FROM documents d WHERE d.deleted_at IS NULL AND d.origin <> 'library' AND ${scope.clause} AND NOT ${origin.sql}`,
    [...scope.params, ...origin.params],
  );
  return rows.map((r) => r.id);
}

/** Search documents for the given library documents, read from the database (deleted ones are left out). */
export async function meiliDocumentsFor(ids: readonly number[] | 'all'): Promise<MeiliDocument[]> {
  const filter = ids === 'all' ? '1' : 'd.id IN (SELECT value FROM json_each(?))';
  const rows = await allRows(
    rawClient(),
    {
      id: col.int,
      title_es: col.textOrNull,
      title_en: col.textOrNull,
      description_es: col.textOrNull,
      description_en: col.textOrNull,
      type: col.text,
      owner_agency_code: col.text,
      language: col.text,
      owner_id: col.text,
      tokens: col.text,
      revoked_at: col.intOrNull,
      share_expires_at: col.intOrNull,
      updated_at: col.int,
      created_at: col.int,
      tags: col.textOrNull,
      names: col.textOrNull,
      links: col.textOrNull,
      body: col.textOrNull,
    },
    `SELECT d.id, d.title_es, d.title_en, d.description_es, d.description_en, d.type, d.owner_agency_code, d.language, d.owner_id, ss.tokens,
       d.revoked_at, d.share_expires_at, d.updated_at, d.created_at,
       (SELECT json_group_array(t.tag) FROM document_tags t WHERE t.document_id = d.id) AS tags,
       (SELECT group_concat(v.file_name, ' ') FROM document_versions v WHERE v.document_id = d.id) AS names,
       (SELECT json_group_array(l.kind || ':' || l.target) FROM document_links l WHERE l.document_id = d.id) AS links,
       (SELECT substr(b.text, 1, 100000) FROM document_versions v JOIN blobs b ON b.sha256 = v.sha256 WHERE v.document_id = d.id AND v.number = d.current_version) AS body
     FROM documents d JOIN scope_sets ss ON ss.id = d.scope_set_id WHERE d.deleted_at IS NULL AND ${filter}`,
    ids === 'all' ? [] : [JSON.stringify(ids)],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    title: [r.title_es, r.title_en].filter(Boolean).join(' · '),
    description: [r.description_es, r.description_en].filter(Boolean).join('\n'),
    tags: JSON.parse(r.tags ?? '[]') as string[],
    names: r.names ?? '',
    body: r.body ?? '',
    type: r.type,
    agency: r.owner_agency_code,
    language: r.language,
    ownerId: r.owner_id,
    scope: r.revoked_at ? [] : r.tokens.split(' ').filter((t) => t !== 'public'),
    expiresAt: r.share_expires_at ? Number(r.share_expires_at) : 0,
    updatedAt: Number(r.updated_at),
    createdAt: Number(r.created_at),
    links: JSON.parse(r.links ?? '[]') as string[],
  }));
}

export function createMeiliDocumentEngine(opts: { host: string; apiKey?: string; indexName?: string }): DocumentSearchEngine {
  const client = new Meilisearch({ host: opts.host, apiKey: opts.apiKey });
  const name = opts.indexName ?? MEILI_DOCUMENTS_INDEX;
  const index = client.index<MeiliDocument>(name);
  let configured = false;
  async function ensureSettings() {
    if (configured) return;
    await client
      .createIndex(name, { primaryKey: 'id' })
      .waitTask()
      .catch(() => undefined);
    await index.updateSettings(MEILI_DOCUMENT_SETTINGS).waitTask();
    configured = true;
  }
  return {
    name: 'meilisearch',
    async search(query, reader) {
      await ensureSettings();
      const { q, params } = buildMeiliDocumentQuery(query, reader, await hiddenAttachmentIds(reader, query.now ?? new Date()));
      const res = await index.search(q, params);
      const snippets = new Map<number, string>();
      for (const h of res.hits) {
        const f = (h._formatted ?? {}) as Partial<Record<string, string>>;
        const marked = [f.body, f.description, f.title].find((v) => v?.includes(MARK_OPEN));
        if (marked) snippets.set(h.id, markToHtml(marked));
      }
      return { total: (res as { totalHits?: number }).totalHits ?? res.estimatedTotalHits ?? 0, ids: res.hits.map((h) => h.id), snippets };
    },
    async index(ids) {
      await ensureSettings();
      const docs = await meiliDocumentsFor(ids);
      const present = new Set(docs.map((d) => d.id));
      const gone = ids.filter((id) => !present.has(id));
      if (docs.length) await index.addDocuments(docs, { primaryKey: 'id' }).waitTask();
      if (gone.length) await index.deleteDocuments([...gone]).waitTask();
    },
    async reindex(progress) {
      await ensureSettings();
      await index.deleteAllDocuments().waitTask();
      const docs = await meiliDocumentsFor('all');
      progress?.(0, docs.length);
      for (let i = 0; i < docs.length; i += 2000) {
        await index.addDocuments(docs.slice(i, i + 2000), { primaryKey: 'id' }).waitTask({ timeout: 600_000 });
        progress?.(Math.min(docs.length, i + 2000), docs.length);
      }
    },
  };
}
