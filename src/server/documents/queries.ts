/**
 * Reads of the document exchange: the library lists, a document's page, downloads and
 * thumbnails, and the attachments of a request. Every read goes through src/server/access.ts
 * (lists carry the same rule in SQL); a document the reader may not see does not exist.
 */
import type { Readable } from 'node:stream';
import {
  canManageDocument,
  canAddDocumentVersion,
  canRestoreDocument,
  canSeeDocument,
  documentShareLive,
  type Reader,
} from '#src/server/access.ts';
import { actorOf, audit, auditRow } from '#src/server/audit.ts';
import { db, rawClient } from '#src/server/db.ts';
import { auditLog, documentDownloads } from '#db/schema/index.ts';
import { allRows, col, type RowOf } from '#src/server/sql.ts';
import { blobKey, fileStore, thumbnailKey } from '#src/server/storage/index.ts';
import { buildDocumentWhere } from '#src/server/search/documents-filter.ts';
import { documentSearchEngine, normalizeLibraryQuery, type LibraryQuery } from '#src/server/search/documents.ts';
import {
  DOCUMENT_LANGUAGES,
  DOCUMENT_ORIGINS,
  DOCUMENT_TYPES,
  LINK_KINDS,
  SCOPE_KINDS,
  TEXT_STATES,
  VERSION_POLICIES,
  type DocumentLanguage,
  type DocumentOrigin,
  type DocumentType,
  type LinkKind,
  type ScopeKind,
  type VersionPolicy,
} from '#src/domain/documents.ts';
import { HANDLING_CODES, type HandlingCode } from '#src/domain/requests.ts';
import { factsOf, loadDocumentRow, type DocumentActor } from './service.ts';
import { originVisible } from './origin.ts';
import { processPendingDerivatives } from './derive.ts';

export type ShareState = 'live' | 'revoked' | 'expired';

export interface LibraryRow {
  id: number;
  titleEs: string | null;
  titleEn: string | null;
  type: DocumentType;
  language: DocumentLanguage;
  handlingCode: HandlingCode;
  ownerName: string;
  ownerAgencyCode: string;
  scopeKind: ScopeKind;
  shareState: ShareState;
  origin: DocumentOrigin;
  currentVersion: number;
  fileName: string;
  size: number;
  mime: string;
  hasThumbnail: boolean;
  createdAt: Date;
  updatedAt: Date;
  /** HTML-safe, matches in <mark>; only for text searches. */
  snippet: string | null;
}

export interface LibraryPage {
  total: number;
  page: number;
  pages: number;
  pageSize: number;
  rows: LibraryRow[];
}

/** The display title of a document in a language (the other language's, then the file name, as fallbacks). */
export function documentTitle(d: { titleEs: string | null; titleEn: string | null; fileName: string }, lang: 'es' | 'en'): string {
  return (lang === 'es' ? (d.titleEs ?? d.titleEn) : (d.titleEn ?? d.titleEs)) ?? d.fileName;
}

/** The columns of ROW_SELECT. */
const ROW_SQL = {
  id: col.int,
  title_es: col.textOrNull,
  title_en: col.textOrNull,
  type: col.oneOf(DOCUMENT_TYPES),
  language: col.oneOf(DOCUMENT_LANGUAGES),
  handling_code: col.oneOf(HANDLING_CODES),
  owner_name: col.text,
  owner_agency_code: col.text,
  scope_kind: col.oneOf(SCOPE_KINDS),
  revoked_at: col.intOrNull,
  share_expires_at: col.intOrNull,
  origin: col.oneOf(DOCUMENT_ORIGINS),
  current_version: col.int,
  file_name: col.text,
  size: col.int,
  mime: col.text,
  has_thumbnail: col.bool,
  created_at: col.int,
  updated_at: col.int,
};
type RowSql = RowOf<typeof ROW_SQL>;

const ROW_SELECT = `SELECT d.id, d.title_es, d.title_en, d.type, d.language, d.handling_code, u.display_name AS owner_name, d.owner_agency_code,
  d.scope_kind, d.revoked_at, d.share_expires_at, d.origin, d.current_version, v.file_name, v.size, v.mime, b.has_thumbnail, d.created_at, d.updated_at
  FROM documents d JOIN users u ON u.id = d.owner_id
  JOIN document_versions v ON v.document_id = d.id AND v.number = d.current_version JOIN blobs b ON b.sha256 = v.sha256`;

function toRow(r: RowSql, now: Date, snippet: string | null = null): LibraryRow {
  const shareState: ShareState = r.revoked_at
    ? 'revoked'
    : documentShareLive({ revokedAt: null, shareExpiresAt: r.share_expires_at ? new Date(Number(r.share_expires_at)) : null }, now)
      ? 'live'
      : 'expired';
  return {
    id: Number(r.id),
    titleEs: r.title_es,
    titleEn: r.title_en,
    type: r.type,
    language: r.language,
    handlingCode: r.handling_code,
    ownerName: r.owner_name,
    ownerAgencyCode: r.owner_agency_code,
    scopeKind: r.scope_kind,
    shareState,
    origin: r.origin,
    currentVersion: Number(r.current_version),
    fileName: r.file_name,
    size: Number(r.size),
    mime: r.mime,
    hasThumbnail: Boolean(r.has_thumbnail),
    createdAt: new Date(Number(r.created_at)),
    updatedAt: new Date(Number(r.updated_at)),
    snippet,
  };
}

/** A page of the library for the reader: a tab, filters, text, sorting. */
export async function listDocuments(reader: Reader, query: LibraryQuery): Promise<LibraryPage> {
  void processPendingDerivatives().catch(() => undefined);
  const n = normalizeLibraryQuery(query);
  const ex = rawClient();
  const w = buildDocumentWhere(n, reader);
  let ids: number[];
  let total: number;
  let snippets = new Map<number, string>();
  if (n.text) {
    const found = await documentSearchEngine().search(n, reader);
    ({ ids, total, snippets } = found);
  } else {
    const order =
      n.sort === 'created_asc'
        ? 'd.created_at ASC, d.id ASC'
        : n.sort === 'created_desc'
          ? 'd.created_at DESC, d.id DESC'
          : n.sort === 'title_asc'
            ? `coalesce(${n.lang === 'es' ? 'd.title_es, d.title_en' : 'd.title_en, d.title_es'}) COLLATE NOCASE ASC, d.id ASC`
            : 'd.updated_at DESC, d.id DESC';
    const [count] = await allRows(ex, { n: col.int }, `SELECT count(*) AS n FROM ${w.from} WHERE ${w.clause}`, w.params);
    total = Number(count?.n ?? 0);
    ids = (
      await allRows(ex, { id: col.int }, `SELECT d.id FROM ${w.from} WHERE ${w.clause} ORDER BY ${order} LIMIT ? OFFSET ?`, [
        ...w.params,
        n.pageSize,
        (n.page - 1) * n.pageSize,
      ])
    ).map((r) => Number(r.id));
  }
  // The rows are read with the same access clause again: an engine's answer never widens it. The
  // clause is applied to the page's rows only (as `d.id IN (SELECT … WHERE clause)` SQLite would
  // evaluate it over every document first: 15 ms of CPU at 50,000 documents).
  const again = buildDocumentWhere({ ...n, text: '' }, reader);
  const rows = ids.length
    ? await allRows(ex, ROW_SQL, `${ROW_SELECT} WHERE d.id IN (SELECT value FROM json_each(?)) AND ${again.clause}`, [
        JSON.stringify(ids),
        ...again.params,
      ])
    : [];
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  return {
    total,
    page: n.page,
    pageSize: n.pageSize,
    pages: Math.max(1, Math.ceil(total / n.pageSize)),
    rows: ids.flatMap((id) => {
      const r = byId.get(id);
      return r ? [toRow(r, n.now, snippets.get(id) ?? null)] : [];
    }),
  };
}

export interface VersionRow {
  number: number;
  fileName: string;
  size: number;
  mime: string;
  sha256: string;
  note: string | null;
  uploadedByName: string;
  uploadedByAgency: string;
  createdAt: Date;
  textState: string;
}

export interface DocumentDetail extends LibraryRow {
  descriptionEs: string | null;
  descriptionEn: string | null;
  handlingNote: string | null;
  ownerId: string;
  scopeTokens: string[];
  /** Readable names of the scope: agency codes, country codes, member names. */
  scopeMembers: { id: string; name: string; agencyCode: string }[];
  shareExpiresAt: Date | null;
  revokedAt: Date | null;
  versionPolicy: VersionPolicy;
  originId: number | null;
  originItemId: number | null;
  tags: string[];
  links: { kind: LinkKind; target: string }[];
  versions: VersionRow[];
  /** Only for those who manage the document. */
  downloads: { at: Date; name: string; agencyCode: string; version: number }[] | null;
  may: { manage: boolean; addVersion: boolean };
}

/** The document if the reader may see it, else null (the page answers 404). */
export async function getDocument(reader: Reader | null, id: number, now = new Date()): Promise<DocumentDetail | null> {
  if (!reader) return null;
  const ex = rawClient();
  const facts = await loadDocumentRow(ex, id);
  if (!facts || !canSeeDocument(reader, factsOf(facts), now) || !(await originVisible(reader, facts))) return null;
  const [row] = await allRows(
    ex,
    {
      ...ROW_SQL,
      description_es: col.textOrNull,
      description_en: col.textOrNull,
      handling_note: col.textOrNull,
      owner_id: col.text,
      version_policy: col.oneOf(VERSION_POLICIES),
      origin_id: col.intOrNull,
      origin_item_id: col.intOrNull,
    },
    `${ROW_SELECT.replace('SELECT d.id,', 'SELECT d.id, d.description_es, d.description_en, d.handling_note, d.owner_id, d.version_policy, d.origin_id, d.origin_item_id,')} WHERE d.id = ?`,
    [id],
  );
  if (!row) return null;
  const versions = await allRows(
    ex,
    {
      number: col.int,
      file_name: col.text,
      size: col.int,
      mime: col.text,
      sha256: col.text,
      note: col.textOrNull,
      name: col.text,
      uploaded_by_agency: col.text,
      created_at: col.int,
      text_state: col.oneOf(TEXT_STATES),
    },
    `SELECT v.number, v.file_name, v.size, v.mime, v.sha256, v.note, u.display_name AS name, v.uploaded_by_agency, v.created_at, b.text_state
     FROM document_versions v JOIN users u ON u.id = v.uploaded_by JOIN blobs b ON b.sha256 = v.sha256 WHERE v.document_id = ? ORDER BY v.number DESC`,
    [id],
  );
  const tags = (await allRows(ex, { tag: col.text }, 'SELECT tag FROM document_tags WHERE document_id = ? ORDER BY tag', [id])).map(
    (r) => r.tag,
  );
  const links = await allRows(
    ex,
    { kind: col.oneOf(LINK_KINDS), target: col.text },
    'SELECT kind, target FROM document_links WHERE document_id = ? ORDER BY kind, target',
    [id],
  );
  const f = factsOf(facts);
  const manage = canManageDocument(reader, f, now);
  const userIds = f.scope.filter((t) => t.startsWith('user:')).map((t) => t.slice(5));
  const scopeMembers = userIds.length
    ? (
        await allRows(
          ex,
          { id: col.text, name: col.text, code: col.text },
          'SELECT u.id, u.display_name AS name, a.code FROM users u JOIN agencies a ON a.id = u.agency_id WHERE u.id IN (SELECT value FROM json_each(?)) ORDER BY u.display_name',
          [JSON.stringify(userIds)],
        )
      ).map((u) => ({ id: u.id, name: u.name, agencyCode: u.code }))
    : [];
  const downloads = manage
    ? (
        await allRows(
          ex,
          { at: col.int, name: col.text, agency_code: col.text, version_number: col.int },
          `SELECT dl.at, u.display_name AS name, dl.agency_code, dl.version_number FROM document_downloads dl JOIN users u ON u.id = dl.user_id
           WHERE dl.document_id = ? ORDER BY dl.at DESC, dl.id DESC LIMIT 200`,
          [id],
        )
      ).map((d) => ({ at: new Date(Number(d.at)), name: d.name, agencyCode: d.agency_code, version: Number(d.version_number) }))
    : null;
  return {
    ...toRow(row, now),
    descriptionEs: row.description_es,
    descriptionEn: row.description_en,
    handlingNote: row.handling_note,
    ownerId: row.owner_id,
    scopeTokens: [...f.scope],
    scopeMembers,
    shareExpiresAt: f.shareExpiresAt,
    revokedAt: f.revokedAt,
    versionPolicy: row.version_policy,
    originId: row.origin_id === null ? null : Number(row.origin_id),
    originItemId: row.origin_item_id === null ? null : Number(row.origin_item_id),
    tags,
    links,
    versions: versions.map((v) => ({
      number: Number(v.number),
      fileName: v.file_name,
      size: Number(v.size),
      mime: v.mime,
      sha256: v.sha256,
      note: v.note,
      uploadedByName: v.name,
      uploadedByAgency: v.uploaded_by_agency,
      createdAt: new Date(Number(v.created_at)),
      textState: v.text_state,
    })),
    downloads,
    may: { manage, addVersion: canAddDocumentVersion(reader, f, now) },
  };
}

export interface Download {
  stream: Readable;
  fileName: string;
  size: number;
  mime: string;
  sha256: string;
}

/**
 * A version's bytes for a reader who may see the document (null otherwise: 404). The download
 * is recorded (download log and audit log) before the first byte is sent.
 */
export async function openDownload(actor: DocumentActor, id: number, versionNumber: number | null): Promise<Download | null> {
  const ex = rawClient();
  const facts = await loadDocumentRow(ex, id);
  if (!facts || !canSeeDocument(actor, factsOf(facts)) || !(await originVisible(actor, facts))) {
    await audit(actorOf(actor, actor.ip), { action: 'documents.download', target: `document:${id}`, outcome: 'denied' });
    return null;
  }
  const number = versionNumber ?? Number(facts.current_version);
  const [v] = await allRows(
    ex,
    { file_name: col.text, size: col.int, mime: col.text, sha256: col.text },
    'SELECT file_name, size, mime, sha256 FROM document_versions WHERE document_id = ? AND number = ?',
    [id, number],
  );
  if (!v) return null;
  const stream = await fileStore().get(blobKey(v.sha256));
  if (!stream) {
    await audit(actorOf(actor, actor.ip), {
      action: 'documents.download',
      target: `document:${id}`,
      outcome: 'failed',
      detail: { missing: v.sha256 },
    });
    return null;
  }
  // The download log and the audit row, committed (durable) before the first byte goes out: a
  // reader holds nothing the log does not show. One batch, one commit; sending bytes while it
  // commits would save well under a millisecond for 1 MB (the driver commits on the event loop),
  // and a failed commit would then reach the reader as a cut-off file instead of no file.
  const actorRow = actorOf(actor, actor.ip);
  const dz = db();
  try {
    await dz.batch([
      dz.insert(documentDownloads).values({
        documentId: id,
        versionNumber: number,
        userId: actor.id,
        agencyCode: actor.agencyCode,
        ip: actor.ip ?? null,
        at: new Date(),
      }),
      dz
        .insert(auditLog)
        .values(
          auditRow(actorRow, { action: 'documents.download', target: `document:${id}`, detail: { version: number, sha256: v.sha256 } }),
        ),
    ]);
  } catch (error) {
    stream.destroy();
    throw error;
  }
  return { stream, fileName: v.file_name, size: Number(v.size), mime: v.mime, sha256: v.sha256 };
}

/** The thumbnail of the current version (images), for a reader who may see the document. */
export async function openThumbnail(reader: Reader, id: number): Promise<Readable | null> {
  const ex = rawClient();
  const facts = await loadDocumentRow(ex, id);
  if (!facts || !canSeeDocument(reader, factsOf(facts)) || !(await originVisible(reader, facts))) return null;
  const [v] = await allRows(
    ex,
    { sha256: col.text, has_thumbnail: col.bool },
    'SELECT v.sha256, b.has_thumbnail FROM document_versions v JOIN blobs b ON b.sha256 = v.sha256 WHERE v.document_id = ? AND v.number = ?',
    [id, Number(facts.current_version)],
  );
  if (!v?.has_thumbnail) return null;
  return fileStore().get(thumbnailKey(v.sha256));
}

export interface AttachmentRow {
  id: number;
  itemId: number | null;
  title: string;
  fileName: string;
  size: number;
  mime: string;
  sha256: string;
  version: number;
  ownerName: string;
  ownerAgencyCode: string;
  createdAt: Date;
}

/** The attachments of a request or thread the reader may see (revoked ones only for their owner and admins). */
export async function listAttachments(
  reader: Reader,
  kind: 'request' | 'thread',
  parentId: number,
  lang: 'es' | 'en',
): Promise<AttachmentRow[]> {
  const rows = await allRows(
    rawClient(),
    {
      ...ROW_SQL,
      origin_item_id: col.intOrNull,
      owner_id: col.text,
      tokens: col.text,
      deleted_at: col.intOrNull,
      version_policy: col.oneOf(VERSION_POLICIES),
      sha256: col.text,
    },
    `${ROW_SELECT.replace('SELECT d.id,', 'SELECT d.id, d.origin_item_id, d.owner_id, ss.tokens, d.deleted_at, d.version_policy, v.sha256,')}
     JOIN scope_sets ss ON ss.id = d.scope_set_id WHERE d.origin = ? AND d.origin_id = ? AND d.deleted_at IS NULL ORDER BY d.created_at, d.id`,
    [kind, parentId],
  );
  return rows
    .filter((r) =>
      canSeeDocument(reader, {
        ownerId: r.owner_id,
        ownerAgencyCode: r.owner_agency_code,
        scope: r.tokens.split(' '),
        shareExpiresAt: r.share_expires_at ? new Date(Number(r.share_expires_at)) : null,
        revokedAt: r.revoked_at ? new Date(Number(r.revoked_at)) : null,
        deletedAt: null,
        versionPolicy: r.version_policy,
      }),
    )
    .map((r) => ({
      id: Number(r.id),
      itemId: r.origin_item_id === null ? null : Number(r.origin_item_id),
      title: documentTitle({ titleEs: r.title_es, titleEn: r.title_en, fileName: r.file_name }, lang),
      fileName: r.file_name,
      size: Number(r.size),
      mime: r.mime,
      sha256: r.sha256,
      version: Number(r.current_version),
      ownerName: r.owner_name,
      ownerAgencyCode: r.owner_agency_code,
      createdAt: new Date(Number(r.created_at)),
    }));
}

/** Deleted documents the reader may restore (own ones; admins all), newest first. */
export async function listDeleted(reader: Reader, lang: 'es' | 'en') {
  const rows = await allRows(
    rawClient(),
    { id: col.int, title_es: col.textOrNull, title_en: col.textOrNull, file_name: col.text, deleted_at: col.int, owner_id: col.text },
    `SELECT d.id, d.title_es, d.title_en, v.file_name, d.deleted_at, d.owner_id FROM documents d
     JOIN document_versions v ON v.document_id = d.id AND v.number = d.current_version
     WHERE d.deleted_at IS NOT NULL ${reader.role === 'admin' ? '' : 'AND d.owner_id = ?'} ORDER BY d.deleted_at DESC LIMIT 100`,
    reader.role === 'admin' ? [] : [reader.id],
  );
  return rows
    .filter((r) => canRestoreDocument(reader, { ownerId: r.owner_id }))
    .map((r) => ({
      id: Number(r.id),
      title: documentTitle({ titleEs: r.title_es, titleEn: r.title_en, fileName: r.file_name }, lang),
      deletedAt: new Date(Number(r.deleted_at)),
    }));
}
