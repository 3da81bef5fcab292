/**
 * Writes of the document exchange: new documents (one per uploaded file), new versions,
 * description and scope changes, share revocation, soft delete and restore. Every write that
 * touches several rows is one transaction, which also keeps the search index in step; access
 * is decided by src/server/access.ts and refusals are audited.
 */
import type { Transaction as LibsqlTransaction } from '@libsql/client';
import {
  canAddDocumentVersion,
  canManageDocument,
  canRestoreDocument,
  canSeeDocument,
  type DocumentFacts,
  type Reader,
} from '#src/server/access.ts';
import { actorOf, audit } from '#src/server/audit.ts';
import { db, rawClient, type Database } from '#src/server/db.ts';
import { DomainError } from '#src/server/errors.ts';
import { allRows, col, runRaw, writeTransaction, type RawExec, type RowOf } from '#src/server/sql.ts';
import { indexDocumentsFts, unindexDocumentsFts } from '#src/server/search/documents-fts5.ts';
import { afterDocumentsChanged } from '#src/server/search/documents.ts';
import type { HandlingCode } from '#src/domain/requests.ts';
import { DOCUMENT_ORIGINS, VERSION_POLICIES } from '#src/domain/documents.ts';
import type { DocumentLanguage, DocumentOrigin, DocumentType, LinkKind, ScopeKind, VersionPolicy } from '#src/domain/documents.ts';
import type { StagedFile } from './intake.ts';
import { resolveScope, scopeSetId, type ScopeChoice } from './scope.ts';
import { confirmStored, storeStagedFiles } from './store.ts';
import { titleFromFileName } from './names.ts';
import { scheduleDerivatives } from './derive.ts';
import { notifyNewVersion, notifyShared } from './notify.ts';
import { originVisible } from './origin.ts';

/** The signed-in user acting (SessionUser satisfies it). */
export interface DocumentActor extends Reader {
  email: string;
  displayName: string;
  ip?: string | null;
}

export interface DocumentLink {
  kind: LinkKind;
  target: string;
}

export interface DocumentMeta {
  titleEs?: string | null;
  titleEn?: string | null;
  descriptionEs?: string | null;
  descriptionEn?: string | null;
  language: DocumentLanguage;
  type: DocumentType;
  handlingCode: HandlingCode;
  handlingNote?: string | null;
  tags?: string[];
  links?: DocumentLink[];
  scope: ScopeChoice;
  shareExpiresAt?: Date | null;
  versionPolicy?: VersionPolicy;
}

export interface NewDocumentsInput extends DocumentMeta {
  files: readonly StagedFile[];
  /** Attachments: the request or thread (and message or post) they belong to. */
  origin?: { kind: Exclude<DocumentOrigin, 'library'>; id: number; itemId?: number | null };
  note?: string | null;
  now?: Date;
}

const clean = (v: string | null | undefined, max = 10_000): string | null => {
  const s = (v ?? '').trim();
  return s ? s.slice(0, max) : null;
};

/** Tags: trimmed, lower case, at most 20 of 40 characters each. */
export function normalizeTags(tags: readonly string[] = []): string[] {
  const out = new Set<string>();
  for (const raw of tags) {
    for (const part of raw.split(/[,;\n]/)) {
      const tag = part.trim().toLowerCase().replace(/\s+/g, ' ');
      if (!tag) continue;
      if ([...tag].length > 40) throw new DomainError('document_tag_too_long', 'tags', { tag: tag.slice(0, 40) });
      out.add(tag);
    }
  }
  if (out.size > 20) throw new DomainError('document_too_many_tags', 'tags', { max: 20 });
  return [...out];
}

function checkMeta(meta: DocumentMeta, now: Date): void {
  if (meta.handlingCode === 'H3' && !clean(meta.handlingNote)) throw new DomainError('request_handling_note_required', 'handlingNote');
  if (meta.shareExpiresAt && meta.shareExpiresAt.getTime() <= now.getTime())
    throw new DomainError('document_expiry_past', 'shareExpiresAt');
}

const DOCUMENT_ROW = {
  id: col.int,
  owner_id: col.text,
  owner_agency_code: col.text,
  tokens: col.text,
  share_expires_at: col.intOrNull,
  revoked_at: col.intOrNull,
  deleted_at: col.intOrNull,
  version_policy: col.oneOf(VERSION_POLICIES),
  current_version: col.int,
  origin: col.oneOf(DOCUMENT_ORIGINS),
  origin_id: col.intOrNull,
  origin_item_id: col.intOrNull,
};
type DocumentRow = RowOf<typeof DOCUMENT_ROW>;

export function factsOf(row: DocumentRow): DocumentFacts {
  return {
    ownerId: row.owner_id,
    ownerAgencyCode: row.owner_agency_code,
    scope: row.tokens.split(' '),
    shareExpiresAt: row.share_expires_at === null ? null : new Date(Number(row.share_expires_at)),
    revokedAt: row.revoked_at === null ? null : new Date(Number(row.revoked_at)),
    deletedAt: row.deleted_at === null ? null : new Date(Number(row.deleted_at)),
    versionPolicy: row.version_policy,
  };
}

export async function loadDocumentRow(ex: RawExec, id: number): Promise<DocumentRow | null> {
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const [row] = await allRows(
    ex,
    DOCUMENT_ROW,
    `SELECT d.id, d.owner_id, d.owner_agency_code, ss.tokens, d.share_expires_at, d.revoked_at, d.deleted_at, d.version_policy,
       d.current_version, d.origin, d.origin_id, d.origin_item_id
     FROM documents d JOIN scope_sets ss ON ss.id = d.scope_set_id WHERE d.id = ?`,
    [id],
  );
  return row ?? null;
}

async function insertBlob(ex: RawExec, f: StagedFile, now: Date): Promise<void> {
  await runRaw(
    ex,
    `INSERT INTO blobs (sha256, size, mime, created_at, last_used_at, text_state, has_thumbnail) VALUES (?, ?, ?, ?, ?, 'pending', 0)
     ON CONFLICT (sha256) DO UPDATE SET last_used_at = excluded.last_used_at`,
    [f.sha256, f.size, f.mime, now.getTime(), now.getTime()],
  );
}

async function insertVersion(
  ex: RawExec,
  documentId: number,
  number: number,
  f: StagedFile,
  actor: Reader,
  note: string | null,
  now: Date,
) {
  await runRaw(
    ex,
    `INSERT INTO document_versions (document_id, number, sha256, size, mime, file_name, note, uploaded_by, uploaded_by_agency, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [documentId, number, f.sha256, f.size, f.mime, f.fileName, note, actor.id, actor.agencyCode, now.getTime()],
  );
}

async function writeTagsAndLinks(ex: RawExec, documentId: number, tags: readonly string[], links: readonly DocumentLink[]) {
  await runRaw(ex, 'DELETE FROM document_tags WHERE document_id = ?', [documentId]);
  await runRaw(ex, 'DELETE FROM document_links WHERE document_id = ?', [documentId]);
  for (const tag of tags) await runRaw(ex, 'INSERT OR IGNORE INTO document_tags (document_id, tag) VALUES (?, ?)', [documentId, tag]);
  for (const l of links)
    await runRaw(ex, 'INSERT OR IGNORE INTO document_links (document_id, kind, target) VALUES (?, ?, ?)', [documentId, l.kind, l.target]);
}

export interface PreparedDocuments {
  actor: DocumentActor;
  input: NewDocumentsInput;
  tags: string[];
  scope: { kind: ScopeKind; tokens: string[] };
  now: Date;
}

/**
 * Checks the description and scope and puts the staged files into the store: everything that
 * can fail before the database transaction. Nothing is visible until insertDocuments commits.
 */
export async function prepareDocuments(actor: DocumentActor, input: NewDocumentsInput): Promise<PreparedDocuments> {
  const now = input.now ?? new Date();
  if (!input.files.length) throw new DomainError('document_file_required', 'files');
  checkMeta(input, now);
  const tags = normalizeTags(input.tags);
  const scope = await resolveScope(db(), input.scope);
  await storeStagedFiles(input.files);
  return { actor, input, tags, scope, now };
}

/** One document per file, inside the caller's transaction; `origin` names the request or thread once it exists. */
export async function insertDocuments(
  tx: RawExec,
  ex: Database,
  prepared: PreparedDocuments,
  origin: NewDocumentsInput['origin'] = prepared.input.origin,
): Promise<number[]> {
  const { actor, input, tags, scope, now } = prepared;
  const several = input.files.length > 1;
  const setId = await scopeSetId(tx, scope.tokens);
  const ids: number[] = [];
  for (const f of input.files) {
    await insertBlob(tx, f, now);
    const typedEs = clean(input.titleEs, 300);
    const typedEn = clean(input.titleEn, 300);
    const suffix = several ? ` — ${f.fileName}` : '';
    const [row] = await allRows(
      tx,
      { id: col.int },
      `INSERT INTO documents (owner_id, owner_agency_code, title_es, title_en, description_es, description_en, language, type, handling_code,
         handling_note, scope_kind, scope_set_id, version_policy, share_expires_at, origin, origin_id, origin_item_id, current_version, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
      [
        actor.id,
        actor.agencyCode,
        typedEs ? typedEs + suffix : typedEn ? null : titleFromFileName(f.fileName),
        typedEn ? typedEn + suffix : null,
        clean(input.descriptionEs),
        clean(input.descriptionEn),
        input.language,
        input.type,
        input.handlingCode,
        input.handlingCode === 'H3' ? clean(input.handlingNote, 2000) : null,
        scope.kind,
        setId,
        input.versionPolicy ?? 'owner',
        input.shareExpiresAt?.getTime() ?? null,
        origin?.kind ?? 'library',
        origin?.id ?? null,
        origin?.itemId ?? null,
        now.getTime(),
        now.getTime(),
      ],
    );
    const id = Number(row!.id);
    ids.push(id);
    await insertVersion(tx, id, 1, f, actor, clean(input.note, 2000), now);
    const links = [...(input.links ?? [])];
    if (origin) links.push({ kind: origin.kind, target: String(origin.id) });
    await writeTagsAndLinks(tx, id, tags, links);
    await audit(
      actorOf(actor, actor.ip),
      {
        action: 'documents.upload',
        target: `document:${id}`,
        detail: { sha256: f.sha256, size: f.size, type: f.kind, scope: scope.tokens, origin: origin ?? null },
      },
      ex,
    );
  }
  await indexDocumentsFts(tx, ids);
  return ids;
}

/** After the commit: the objects are confirmed in the store, search engines and derivations follow. */
export async function finishDocuments(prepared: PreparedDocuments, ids: readonly number[]): Promise<void> {
  await confirmStored(prepared.input.files);
  afterDocumentsChanged(ids);
  scheduleDerivatives(prepared.input.files.map((f) => f.sha256));
}

/**
 * Stores the staged files and creates one document per file, all in one transaction (with
 * `extra`). Throws DomainError on bad metadata before anything is stored. The caller discards
 * the temp files afterwards.
 */
export async function createDocuments(
  actor: DocumentActor,
  input: NewDocumentsInput,
  extra?: (tx: LibsqlTransaction, ex: Database, documentIds: number[]) => Promise<void>,
): Promise<number[]> {
  const prepared = await prepareDocuments(actor, input);
  const { ids, sends } = await writeTransaction(async (tx, ex) => {
    const ids = await insertDocuments(tx, ex, prepared);
    if (extra) await extra(tx, ex, ids);
    const sends: (() => void)[] = [];
    if (!input.origin && (prepared.scope.kind === 'users' || prepared.scope.kind === 'agencies')) {
      for (const id of ids) {
        const row = await loadDocumentRow(tx, id);
        if (row) sends.push(await notifyShared(tx, ex, id, factsOf(row), actor, prepared.now));
      }
    }
    return { ids, sends };
  });
  for (const send of sends) send();
  await finishDocuments(prepared, ids);
  return ids;
}

/** Audits a refused write without saying whether the document exists. */
async function refuse(actor: DocumentActor, action: string, id: number): Promise<never> {
  await audit(actorOf(actor, actor.ip), { action, target: `document:${id}`, outcome: 'denied' });
  throw new DomainError('document_not_found');
}

/** A new version of a document the actor may add versions to. */
export async function addVersion(
  actor: DocumentActor,
  id: number,
  file: StagedFile,
  note: string | null,
  now = new Date(),
): Promise<number> {
  const row = await loadDocumentRow(rawClient(), id);
  if (!row || !canSeeDocument(actor, factsOf(row), now) || !(await originVisible(actor, row)))
    return refuse(actor, 'documents.version', id);
  if (!canAddDocumentVersion(actor, factsOf(row), now)) return refuse(actor, 'documents.version', id);
  await storeStagedFiles([file]);
  const { number, send } = await writeTransaction(async (tx, ex) => {
    const [current] = await allRows(tx, { n: col.intOrNull }, 'SELECT max(number) AS n FROM document_versions WHERE document_id = ?', [id]);
    const number = Number(current?.n ?? 0) + 1;
    await insertBlob(tx, file, now);
    await insertVersion(tx, id, number, file, actor, clean(note, 2000), now);
    await runRaw(tx, 'UPDATE documents SET current_version = ?, updated_at = ? WHERE id = ?', [number, now.getTime(), id]);
    await indexDocumentsFts(tx, [id]);
    await audit(
      actorOf(actor, actor.ip),
      { action: 'documents.version', target: `document:${id}`, detail: { number, sha256: file.sha256, size: file.size } },
      ex,
    );
    const send = await notifyNewVersion(tx, ex, id, factsOf(row), number, actor, now);
    return { number, send };
  });
  send();
  await confirmStored([file]);
  afterDocumentsChanged([id]);
  scheduleDerivatives([file.sha256]);
  return number;
}

export interface DocumentChanges extends Omit<DocumentMeta, 'scope'> {
  scope: ScopeChoice | null;
}

/** Description, tags, links, handling, expiry and (for library documents) scope. */
export async function updateDocument(actor: DocumentActor, id: number, changes: DocumentChanges, now = new Date()): Promise<void> {
  const row = await loadDocumentRow(rawClient(), id);
  if (!row || !canManageDocument(actor, factsOf(row), now) || !(await originVisible(actor, row)))
    return refuse(actor, 'documents.update', id);
  checkMeta({ ...changes, scope: { kind: 'members' } }, now);
  const tags = normalizeTags(changes.tags);
  // Attachments keep the scope of their request or thread.
  const scope = changes.scope && row.origin === 'library' ? await resolveScope(db(), changes.scope) : null;
  await writeTransaction(async (tx, ex) => {
    const setId = scope ? await scopeSetId(tx, scope.tokens) : null;
    await runRaw(
      tx,
      `UPDATE documents SET title_es = ?, title_en = ?, description_es = ?, description_en = ?, language = ?, type = ?, handling_code = ?,
         handling_note = ?, share_expires_at = ?, version_policy = ?, updated_at = ?
         ${setId !== null ? ', scope_set_id = ?, scope_kind = ?' : ''} WHERE id = ?`,
      [
        clean(changes.titleEs, 300),
        clean(changes.titleEn, 300),
        clean(changes.descriptionEs),
        clean(changes.descriptionEn),
        changes.language,
        changes.type,
        changes.handlingCode,
        changes.handlingCode === 'H3' ? clean(changes.handlingNote, 2000) : null,
        changes.shareExpiresAt?.getTime() ?? null,
        changes.versionPolicy ?? 'owner',
        now.getTime(),
        ...(setId !== null ? [setId, scope!.kind] : []),
        id,
      ],
    );
    const links = [...(changes.links ?? [])];
    const [keep] = await allRows(
      tx,
      { origin: col.oneOf(DOCUMENT_ORIGINS), origin_id: col.intOrNull },
      'SELECT origin, origin_id FROM documents WHERE id = ?',
      [id],
    );
    if (keep && keep.origin !== 'library' && keep.origin_id !== null) links.push({ kind: keep.origin, target: String(keep.origin_id) });
    await writeTagsAndLinks(tx, id, tags, links);
    await indexDocumentsFts(tx, [id]);
    await audit(
      actorOf(actor, actor.ip),
      { action: scope ? 'documents.rescope' : 'documents.update', target: `document:${id}`, detail: scope ? { scope: scope.tokens } : {} },
      ex,
    );
  });
  afterDocumentsChanged([id]);
}

/** Ends the share at once (owner and admins keep access), or gives it back. */
export async function setShareRevoked(actor: DocumentActor, id: number, revoked: boolean, now = new Date()): Promise<void> {
  const row = await loadDocumentRow(rawClient(), id);
  if (!row || !canManageDocument(actor, factsOf(row), now) || !(await originVisible(actor, row)))
    return refuse(actor, revoked ? 'documents.revoke' : 'documents.unrevoke', id);
  await writeTransaction(async (tx, ex) => {
    await runRaw(tx, 'UPDATE documents SET revoked_at = ?, revoked_by = ?, updated_at = ? WHERE id = ?', [
      revoked ? now.getTime() : null,
      revoked ? actor.id : null,
      now.getTime(),
      id,
    ]);
    await audit(actorOf(actor, actor.ip), { action: revoked ? 'documents.revoke' : 'documents.unrevoke', target: `document:${id}` }, ex);
  });
  afterDocumentsChanged([id]);
}

/** Soft delete: gone from every list and URL; purged after DOCUMENT_RETENTION_DAYS unless restored. */
export async function deleteDocument(actor: DocumentActor, id: number, now = new Date()): Promise<void> {
  const row = await loadDocumentRow(rawClient(), id);
  if (!row || !canManageDocument(actor, factsOf(row), now) || !(await originVisible(actor, row)))
    return refuse(actor, 'documents.delete', id);
  await writeTransaction(async (tx, ex) => {
    await runRaw(tx, 'UPDATE documents SET deleted_at = ?, deleted_by = ? WHERE id = ?', [now.getTime(), actor.id, id]);
    await unindexDocumentsFts(tx, [id]);
    await audit(actorOf(actor, actor.ip), { action: 'documents.delete', target: `document:${id}` }, ex);
  });
  afterDocumentsChanged([id]);
}

export async function restoreDocument(actor: DocumentActor, id: number): Promise<void> {
  const row = await loadDocumentRow(rawClient(), id);
  if (!row || !row.deleted_at || !canRestoreDocument(actor, { ownerId: row.owner_id })) return refuse(actor, 'documents.restore', id);
  await writeTransaction(async (tx, ex) => {
    await runRaw(tx, 'UPDATE documents SET deleted_at = NULL, deleted_by = NULL WHERE id = ?', [id]);
    await indexDocumentsFts(tx, [id]);
    await audit(actorOf(actor, actor.ip), { action: 'documents.restore', target: `document:${id}` }, ex);
  });
  afterDocumentsChanged([id]);
}
