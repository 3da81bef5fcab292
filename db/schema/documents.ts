import { sqliteTable, integer, text, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import { users } from './auth.ts';
import { scopeSets } from './seizures.ts';
import { HANDLING_CODES } from '#src/domain/requests.ts';
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
  type TextState,
  type VersionPolicy,
} from '#src/domain/documents.ts';
// Plain domain constants live in src/domain so pages may import them without importing db/.
export {
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
  type TextState,
  type VersionPolicy,
};

/**
 * One stored file, content-addressed by SHA-256: two uploads of the same bytes share one blob.
 * The bytes live in the file store (src/server/storage) under `sha256/<hash>`; the row is
 * written only after the file is durably in the store, so a row never points at nothing.
 */
export const blobs = sqliteTable('blobs', {
  sha256: text('sha256').primaryKey(),
  size: integer('size').notNull(),
  /** The sniffed type (file-type), never the browser's claim. */
  mime: text('mime').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  /** Last time an upload referred to it (purge keeps recently used blobs). */
  lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }).notNull(),
  textState: text('text_state', { enum: TEXT_STATES }).notNull().default('pending'),
  /** Extracted text (PDF, DOCX, TXT, CSV) for search, capped. */
  text: text('text'),
  /** A small WebP preview exists in the store under `thumb/<hash>` (images only). */
  hasThumbnail: integer('has_thumbnail', { mode: 'boolean' }).notNull().default(false),
});

/**
 * A document of the exchange. Visible to its owner, to admins, and to readers holding one of
 * the tokens of its scope set while the share is live (not revoked, not expired, not deleted):
 * src/server/access.ts decides, and list queries carry the same rule in SQL.
 */
export const documents = sqliteTable(
  'documents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ownerId: text('owner_id')
      .notNull()
      .references(() => users.id),
    ownerAgencyCode: text('owner_agency_code').notNull(),
    titleEs: text('title_es'),
    titleEn: text('title_en'),
    descriptionEs: text('description_es'),
    descriptionEn: text('description_en'),
    language: text('language', { enum: DOCUMENT_LANGUAGES }).notNull(),
    type: text('type', { enum: DOCUMENT_TYPES }).notNull(),
    handlingCode: text('handling_code', { enum: HANDLING_CODES }).notNull(),
    handlingNote: text('handling_note'),
    scopeKind: text('scope_kind', { enum: SCOPE_KINDS }).notNull(),
    scopeSetId: integer('scope_set_id')
      .notNull()
      .references(() => scopeSets.id),
    versionPolicy: text('version_policy', { enum: VERSION_POLICIES }).notNull().default('owner'),
    /** The share ends at this time (owner and admins keep access). */
    shareExpiresAt: integer('share_expires_at', { mode: 'timestamp_ms' }),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
    revokedBy: text('revoked_by'),
    origin: text('origin', { enum: DOCUMENT_ORIGINS }).notNull().default('library'),
    /** The request or thread an attachment belongs to, and the message or post. */
    originId: integer('origin_id'),
    originItemId: integer('origin_item_id'),
    currentVersion: integer('current_version').notNull().default(1),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    /** Soft delete: purged (with its versions and unshared blobs) after DOCUMENT_RETENTION_DAYS. */
    deletedAt: integer('deleted_at', { mode: 'timestamp_ms' }),
    deletedBy: text('deleted_by'),
  },
  (t) => [
    index('documents_updated_idx').on(t.updatedAt),
    index('documents_owner_idx').on(t.ownerId, t.updatedAt),
    index('documents_agency_idx').on(t.ownerAgencyCode, t.updatedAt),
    index('documents_scope_idx').on(t.scopeSetId, t.updatedAt),
    index('documents_origin_idx').on(t.origin, t.originId),
    index('documents_deleted_idx').on(t.deletedAt),
  ],
);

export const documentVersions = sqliteTable(
  'document_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    documentId: integer('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    sha256: text('sha256')
      .notNull()
      .references(() => blobs.sha256),
    size: integer('size').notNull(),
    mime: text('mime').notNull(),
    /** The file name as uploaded, sanitised; for display and the download's name only. */
    fileName: text('file_name').notNull(),
    note: text('note'),
    uploadedBy: text('uploaded_by')
      .notNull()
      .references(() => users.id),
    uploadedByAgency: text('uploaded_by_agency').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('document_versions_number_idx').on(t.documentId, t.number), index('document_versions_sha_idx').on(t.sha256)],
);

export const documentTags = sqliteTable(
  'document_tags',
  {
    documentId: integer('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    tag: text('tag').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tag, t.documentId] }), index('document_tags_document_idx').on(t.documentId)],
);

/** Links to seizures, requests, threads and content items (`bulletins/<slug>`…); shown only when the reader may see the item. */
export const documentLinks = sqliteTable(
  'document_links',
  {
    documentId: integer('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: LINK_KINDS }).notNull(),
    target: text('target').notNull(),
  },
  (t) => [primaryKey({ columns: [t.documentId, t.kind, t.target] }), index('document_links_target_idx').on(t.kind, t.target)],
);

/** Every download: who took which version when (the owner and admins read it on the document page). */
export const documentDownloads = sqliteTable(
  'document_downloads',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    documentId: integer('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    versionNumber: integer('version_number').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    agencyCode: text('agency_code').notNull(),
    ip: text('ip'),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('document_downloads_document_idx').on(t.documentId, t.at)],
);
