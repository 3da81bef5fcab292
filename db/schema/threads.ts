import { sql } from 'drizzle-orm';
import { sqliteTable, integer, text, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import { users } from './auth.ts';
import { scopeSets } from './seizures.ts';
import { HANDLING_CODES, type HandlingCode } from '#src/domain/requests.ts';
import { FOLLOW_LEVELS, MODERATION_ACTIONS, THREAD_LANGS, type FollowLevel, type ModerationAction } from '#src/domain/threads.ts';
// Plain domain constants live in src/domain so pages may import them without importing db/.
export { FOLLOW_LEVELS, MODERATION_ACTIONS, THREAD_LANGS, type FollowLevel, type ModerationAction, type HandlingCode };

/**
 * Discussion threads (src/server/threads/). A category and each thread point at a visibility
 * scope in scope_sets (shared with the seizures: few distinct scopes, so "visible to this reader"
 * is `scope_set_id IN (ids holding one of the reader's tokens)`); a thread's scope is its
 * category's or narrower (src/server/access.ts).
 */
export const threadCategories = sqliteTable(
  'thread_categories',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Language-neutral address word, fixed at creation (`/es/foros/categoria/<slug>`). */
    slug: text('slug').notNull(),
    nameEs: text('name_es').notNull(),
    nameEn: text('name_en').notNull(),
    descriptionEs: text('description_es').notNull(),
    descriptionEn: text('description_en').notNull(),
    scopeSetId: integer('scope_set_id')
      .notNull()
      .references(() => scopeSets.id),
    position: integer('position').notNull(),
    archivedAt: integer('archived_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('thread_categories_slug_idx').on(t.slug)],
);

export const threads = sqliteTable(
  'threads',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    categoryId: integer('category_id')
      .notNull()
      .references(() => threadCategories.id),
    title: text('title').notNull(),
    lang: text('lang', { enum: THREAD_LANGS }).notNull(),
    handlingCode: text('handling_code', { enum: HANDLING_CODES }).notNull(),
    handlingNote: text('handling_note'),
    scopeSetId: integer('scope_set_id')
      .notNull()
      .references(() => scopeSets.id),
    authorId: text('author_id')
      .notNull()
      .references(() => users.id),
    authorAgencyCode: text('author_agency_code').notNull(),
    /** Space-separated tags (also in thread_tags for filtering). */
    tags: text('tags').notNull().default(''),
    pinnedAt: integer('pinned_at', { mode: 'timestamp_ms' }),
    lockedAt: integer('locked_at', { mode: 'timestamp_ms' }),
    hiddenAt: integer('hidden_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    /** Counters kept with every write (one transaction): what lists show without counting posts. */
    lastSeq: integer('last_seq').notNull().default(0),
    /** Seq of the last post that is neither hidden nor deleted (unread tracking compares with it). */
    lastVisibleSeq: integer('last_visible_seq').notNull().default(0),
    /** Posts neither hidden nor deleted. */
    postCount: integer('post_count').notNull().default(0),
    lastPostAt: integer('last_post_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    // Lists walk these newest first and check the reader's scope in the index itself (covering).
    index('threads_activity_idx').on(t.hiddenAt, t.lastPostAt, t.scopeSetId),
    // A category page lists pinned threads first: the order is the index's, not a sort of the category.
    index('threads_category_idx').on(t.categoryId, t.hiddenAt, sql`(${t.pinnedAt} IS NOT NULL)`, t.lastPostAt, t.scopeSetId),
    // Counts of what the reader may see ("n threads", a category's count) from the index alone.
    index('threads_visible_idx').on(t.hiddenAt, t.scopeSetId, t.categoryId),
    index('threads_author_idx').on(t.authorId),
  ],
);

export const threadTags = sqliteTable(
  'thread_tags',
  {
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    tag: text('tag').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tag, t.threadId] }), index('thread_tags_thread_idx').on(t.threadId)],
);

/** Posts, numbered 1, 2, … in each thread (seq): a post's page never changes, so permalinks survive pagination. */
export const threadPosts = sqliteTable(
  'thread_posts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    authorId: text('author_id')
      .notNull()
      .references(() => users.id),
    authorAgencyCode: text('author_agency_code').notNull(),
    lang: text('lang', { enum: THREAD_LANGS }).notNull(),
    /** Markdown as written. */
    body: text('body').notNull(),
    /** Sanitised HTML of the body, rendered when written; reference markers become links per reader. */
    bodyHtml: text('body_html').notNull(),
    quotedPostId: integer('quoted_post_id'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    editedAt: integer('edited_at', { mode: 'timestamp_ms' }),
    /** Soft delete by the author: "post deleted" stays in place. */
    deletedAt: integer('deleted_at', { mode: 'timestamp_ms' }),
    hiddenAt: integer('hidden_at', { mode: 'timestamp_ms' }),
    hiddenBy: text('hidden_by').references(() => users.id),
    hiddenReason: text('hidden_reason'),
  },
  (t) => [
    uniqueIndex('thread_posts_seq_idx').on(t.threadId, t.seq),
    index('thread_posts_author_idx').on(t.authorId, t.createdAt),
    index('thread_posts_author_thread_idx').on(t.authorId, t.threadId),
  ],
);

/** Earlier versions of an edited post (and of the thread title when the first post is edited). */
export const threadPostRevisions = sqliteTable(
  'thread_post_revisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    postId: integer('post_id')
      .notNull()
      .references(() => threadPosts.id, { onDelete: 'cascade' }),
    title: text('title'),
    body: text('body').notNull(),
    /** When this version was written (the post's creation or an earlier edit). */
    writtenAt: integer('written_at', { mode: 'timestamp_ms' }).notNull(),
    replacedAt: integer('replaced_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('thread_post_revisions_post_idx').on(t.postId, t.replacedAt)],
);

/** Members mentioned in a post (who could see the thread when it was written). */
export const threadMentions = sqliteTable(
  'thread_mentions',
  {
    postId: integer('post_id')
      .notNull()
      .references(() => threadPosts.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.postId, t.userId] })],
);

/** Mention handles (`@kevin.alvarado`): derived from display names once, then stable. */
export const memberHandles = sqliteTable('member_handles', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  handle: text('handle').notNull().unique(),
});

/** Unread tracking: the last post (seq) each member has read in each thread. */
export const threadReads = sqliteTable(
  'thread_reads',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    lastReadSeq: integer('last_read_seq').notNull(),
    readAt: integer('read_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.threadId] })],
);

/** Per member: "mark everything read" up to this time (threads without news after it are read). */
export const threadReadMarks = sqliteTable('thread_read_marks', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  allReadAt: integer('all_read_at', { mode: 'timestamp_ms' }).notNull(),
});

export const threadFollows = sqliteTable(
  'thread_follows',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    level: text('level', { enum: FOLLOW_LEVELS }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.userId] }), index('thread_follows_user_idx').on(t.userId)],
);

export const categoryFollows = sqliteTable(
  'category_follows',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    categoryId: integer('category_id')
      .notNull()
      .references(() => threadCategories.id, { onDelete: 'cascade' }),
    level: text('level', { enum: FOLLOW_LEVELS }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.categoryId, t.userId] }), index('category_follows_user_idx').on(t.userId)],
);

/** Posts reported by members, with the reason, until a moderator resolves them. */
export const threadReports = sqliteTable(
  'thread_reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    postId: integer('post_id')
      .notNull()
      .references(() => threadPosts.id, { onDelete: 'cascade' }),
    reporterId: text('reporter_id')
      .notNull()
      .references(() => users.id),
    reason: text('reason').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    resolvedAt: integer('resolved_at', { mode: 'timestamp_ms' }),
    resolvedBy: text('resolved_by').references(() => users.id),
    resolution: text('resolution', { enum: ['hidden', 'dismissed'] }),
  },
  (t) => [
    index('thread_reports_open_idx').on(t.resolvedAt, t.createdAt),
    uniqueIndex('thread_reports_open_once_idx')
      .on(t.postId, t.reporterId)
      .where(sql`resolved_at IS NULL`),
  ],
);

/** The thread's visible moderation history (each entry is in the audit log too). */
export const threadModerationEvents = sqliteTable(
  'thread_moderation_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    postId: integer('post_id'),
    action: text('action', { enum: MODERATION_ACTIONS }).notNull(),
    actorId: text('actor_id')
      .notNull()
      .references(() => users.id),
    actorAgencyCode: text('actor_agency_code').notNull(),
    reason: text('reason'),
    /** JSON: e.g. the categories of a move. */
    detail: text('detail'),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('thread_moderation_events_thread_idx').on(t.threadId, t.at)],
);

/**
 * The text the embedded search engine indexes, one row per findable post (neither hidden nor
 * deleted, in a thread that is not hidden): the external content of the thread_post_fts index
 * (custom migration), so a bulk load can fill this table and rebuild the index in one pass.
 */
export const threadPostSearch = sqliteTable('thread_post_search', {
  postId: integer('post_id').primaryKey(),
  /** The thread title, on the thread's first post only. */
  title: text('title'),
  body: text('body').notNull(),
  /** Stem keys of title and body (src/server/text: Spanish and English, folded), space-separated. */
  stems: text('stems').notNull().default(''),
  /** Vocabulary concepts the text names (calibres, model families, firearm types, places), as index tokens. */
  concepts: text('concepts').notNull().default(''),
});
