/**
 * Reading the forum: thread lists (latest activity across categories, or one category) with
 * filters, "new" counts and pagination; a thread page of POSTS_PER_PAGE posts; permalinks; the
 * revisions of an edited post; mention completion. The reader's access is in every query (lists
 * put the reader's scope tokens into SQL and never show hidden threads); a thread or post the
 * reader may not see answers null, which pages turn into 404.
 */
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import {
  agencies,
  memberHandles,
  threadModerationEvents,
  threadPostRevisions,
  threadPosts,
  threadReadMarks,
  threadReads,
  users,
  type FollowLevel,
  type ModerationAction,
} from '#db/schema/index.ts';
import { POSTS_PER_PAGE, THREADS_PER_PAGE } from '#src/domain/threads.ts';
import {
  canChangePost,
  canModerateThreads,
  canSeePostRevisions,
  canSeeRemovedPostText,
  canSeeThread,
  type Reader,
  type ThreadAccessFacts,
} from '#src/server/access.ts';
import { db } from '#src/server/db.ts';
import { scopeTokensOf, visibleScopeSql } from '#src/server/scopes.ts';
import { ensureHandles } from './handles.ts';
import { threadFollowLevel } from './follows.ts';
import { visibleThread, type ThreadFacts } from './store.ts';

export { POSTS_PER_PAGE, THREADS_PER_PAGE };

export function pageOfSeq(seq: number): number {
  return Math.max(1, Math.ceil(seq / POSTS_PER_PAGE));
}

// ---------------------------------------------------------------------------------------------
// Lists

export interface ThreadFilter {
  categoryId?: number | undefined;
  tag?: string | undefined;
  lang?: 'es' | 'en' | undefined;
  unread?: boolean | undefined;
  mine?: boolean | undefined;
  page?: number | undefined;
  /** Category pages list pinned threads first. */
  pinnedFirst?: boolean | undefined;
}

export interface ThreadRow {
  id: number;
  title: string;
  categoryId: number;
  categorySlug: string;
  categoryNameEs: string;
  categoryNameEn: string;
  lang: 'es' | 'en';
  tags: string[];
  handlingCode: string;
  pinned: boolean;
  locked: boolean;
  /** Narrower than its category (a country or named agencies). */
  restricted: boolean;
  scope: string[];
  authorName: string;
  authorAgencyCode: string;
  createdAt: Date;
  postCount: number;
  lastPostAt: Date;
  /** Posts the reader has not read (0 when none, or when the reader has read everything). */
  newPosts: number;
  /** The reader never opened it and it has posts after their "all read" mark. */
  unread: boolean;
}

async function readMark(userId: string): Promise<number> {
  const [row] = await db().select({ at: threadReadMarks.allReadAt }).from(threadReadMarks).where(eq(threadReadMarks.userId, userId));
  return row?.at.getTime() ?? 0;
}

function threadWhere(reader: Reader, filter: ThreadFilter, mark: number): SQL {
  const conds: SQL[] = [sql`t.hidden_at IS NULL`, visibleScopeSql(reader, sql`t.scope_set_id`)];
  if (filter.categoryId) conds.push(sql`t.category_id = ${filter.categoryId}`);
  if (filter.lang) conds.push(sql`t.lang = ${filter.lang}`);
  if (filter.tag) conds.push(sql`t.id IN (SELECT thread_id FROM thread_tags WHERE tag = ${filter.tag.toLowerCase()})`);
  if (filter.mine)
    conds.push(sql`(t.author_id = ${reader.id} OR t.id IN (SELECT thread_id FROM thread_posts WHERE author_id = ${reader.id}))`);
  if (filter.unread)
    conds.push(
      sql`t.last_visible_seq > coalesce(r.last_read_seq, 0) AND t.last_post_at > ${mark}
          AND NOT EXISTS (SELECT 1 FROM thread_follows f WHERE f.thread_id = t.id AND f.user_id = ${reader.id} AND f.level = 'muted')`,
    );
  return sql.join(conds, sql` AND `);
}

/** The threads, joined to the reader's read marks only when the filter needs them. */
const threadsFrom = (reader: Reader, filter: ThreadFilter = { unread: true }) =>
  filter.unread ? sql`threads t LEFT JOIN thread_reads r ON r.thread_id = t.id AND r.user_id = ${reader.id}` : sql`threads t`;

export async function listThreads(reader: Reader, filter: ThreadFilter) {
  const page = Math.max(1, Math.min(10_000, Math.floor(filter.page ?? 1)));
  const mark = await readMark(reader.id);
  const where = threadWhere(reader, filter, mark);
  const order = filter.pinnedFirst
    ? sql`t.pinned_at IS NOT NULL DESC, t.last_post_at DESC, t.id DESC`
    : sql`t.last_post_at DESC, t.id DESC`;
  const from = threadsFrom(reader, filter);
  const [count] = await db().all<{ n: number }>(sql`SELECT count(*) AS n FROM ${from} WHERE ${where}`);
  const total = Number(count?.n ?? 0);
  const ids = (
    await db().all<{ id: number }>(
      sql`SELECT t.id FROM ${from} WHERE ${where} ORDER BY ${order} LIMIT ${THREADS_PER_PAGE} OFFSET ${(page - 1) * THREADS_PER_PAGE}`,
    )
  ).map((r) => r.id);
  return { total, page, pages: Math.max(1, Math.ceil(total / THREADS_PER_PAGE)), rows: await threadRows(reader, ids, mark) };
}

/** The details of listed threads, in the given order (each "new" count is one small index range). */
async function threadRows(reader: Reader, ids: number[], mark: number): Promise<ThreadRow[]> {
  if (!ids.length) return [];
  const rows = await db().all<{
    id: number;
    title: string;
    category_id: number;
    slug: string;
    name_es: string;
    name_en: string;
    lang: 'es' | 'en';
    tags: string;
    handling_code: string;
    pinned_at: number | null;
    locked_at: number | null;
    scope_set_id: number;
    cat_scope: number;
    author_name: string;
    author_agency_code: string;
    created_at: number;
    post_count: number;
    last_post_at: number;
    last_read_seq: number | null;
    new_posts: number;
  }>(sql`
    SELECT t.id, t.title, t.category_id, c.slug, c.name_es, c.name_en, t.lang, t.tags, t.handling_code, t.pinned_at, t.locked_at,
      t.scope_set_id, c.scope_set_id AS cat_scope, u.display_name AS author_name, t.author_agency_code, t.created_at, t.post_count,
      t.last_post_at, r.last_read_seq,
      CASE
        WHEN t.last_visible_seq <= coalesce(r.last_read_seq, 0) THEN 0
        -- Never opened and started after the "all read" mark: every standing post is new (post_count).
        WHEN r.last_read_seq IS NULL AND t.created_at > ${mark} THEN t.post_count
        ELSE (SELECT count(*) FROM thread_posts p WHERE p.thread_id = t.id AND p.seq > coalesce(r.last_read_seq, 0)
          AND p.hidden_at IS NULL AND p.deleted_at IS NULL AND p.created_at > ${mark})
      END AS new_posts
    FROM threads t JOIN thread_categories c ON c.id = t.category_id JOIN users u ON u.id = t.author_id
      LEFT JOIN thread_reads r ON r.thread_id = t.id AND r.user_id = ${reader.id}
    WHERE t.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
  const scopes = await scopeTokensOf(rows.flatMap((r) => [r.scope_set_id, r.cat_scope]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id): ThreadRow[] => {
    const r = byId.get(id);
    if (!r) return [];
    return [
      {
        id: r.id,
        title: r.title,
        categoryId: r.category_id,
        categorySlug: r.slug,
        categoryNameEs: r.name_es,
        categoryNameEn: r.name_en,
        lang: r.lang,
        tags: r.tags ? r.tags.split(' ') : [],
        handlingCode: r.handling_code,
        pinned: r.pinned_at !== null,
        locked: r.locked_at !== null,
        restricted: r.scope_set_id !== r.cat_scope,
        scope: scopes.get(r.scope_set_id) ?? [],
        authorName: r.author_name,
        authorAgencyCode: r.author_agency_code,
        createdAt: new Date(r.created_at),
        postCount: r.post_count,
        lastPostAt: new Date(r.last_post_at),
        newPosts: Number(r.new_posts),
        unread: Number(r.new_posts) > 0,
      },
    ];
  });
}

/** Threads with news for the reader (the forum's "Unread" count). */
export async function unreadThreadCount(reader: Reader): Promise<number> {
  const where = threadWhere(reader, { unread: true }, await readMark(reader.id));
  const [count] = await db().all<{ n: number }>(sql`SELECT count(*) AS n FROM ${threadsFrom(reader)} WHERE ${where}`);
  return Number(count?.n ?? 0);
}

// ---------------------------------------------------------------------------------------------
// A thread page

export interface PostView {
  id: number;
  seq: number;
  authorId: string;
  authorName: string;
  authorAgencyCode: string;
  lang: 'es' | 'en';
  /** Stored HTML with reference markers (the page settles them for the reader); '' when not shown. */
  html: string;
  /** The Markdown (for quoting), '' when the text is not shown. */
  body: string;
  createdAt: Date;
  editedAt: Date | null;
  deleted: boolean;
  hidden: boolean;
  hiddenReason: string | null;
  /** The reader sees the text of a removed post (moderators, its author) with a notice. */
  showText: boolean;
  quoted: { id: number; authorName: string } | null;
  /** After the reader's last read post. */
  isNew: boolean;
  canEdit: boolean;
  canSeeRevisions: boolean;
}

export interface HistoryEntry {
  action: ModerationAction;
  postId: number | null;
  postSeq: number | null;
  actorName: string;
  actorAgencyCode: string;
  reason: string | null;
  detail: Record<string, unknown>;
  at: Date;
}

export interface ThreadPage {
  thread: ThreadFacts & { authorName: string };
  page: number;
  pages: number;
  posts: PostView[];
  /** The reader's last read post before this view. */
  readUpTo: number;
  followLevel: FollowLevel;
  history: HistoryEntry[];
  canModerate: boolean;
}

export async function threadPage(reader: Reader, threadId: number, requestedPage: number): Promise<ThreadPage | null> {
  const thread = await visibleThread(reader, threadId);
  if (!thread) return null;
  const pages = pageOfSeq(Math.max(1, thread.lastSeq));
  const page = Math.min(pages, Math.max(1, Math.floor(requestedPage) || 1));
  const from = (page - 1) * POSTS_PER_PAGE + 1;
  const to = page * POSTS_PER_PAGE;
  const [readRow] = await db()
    .select({ seq: threadReads.lastReadSeq })
    .from(threadReads)
    .where(and(eq(threadReads.userId, reader.id), eq(threadReads.threadId, threadId)));
  const mark = await readMark(reader.id);
  const readUpTo = readRow?.seq ?? 0;
  const rows = await db()
    .select({ p: threadPosts, authorName: users.displayName })
    .from(threadPosts)
    .innerJoin(users, eq(users.id, threadPosts.authorId))
    .where(and(eq(threadPosts.threadId, threadId), sql`${threadPosts.seq} BETWEEN ${from} AND ${to}`))
    .orderBy(asc(threadPosts.seq));
  const quotedIds = [...new Set(rows.map((r) => r.p.quotedPostId).filter((id): id is number => id !== null))];
  const quoted = quotedIds.length
    ? await db()
        .select({ id: threadPosts.id, authorName: users.displayName })
        .from(threadPosts)
        .innerJoin(users, eq(users.id, threadPosts.authorId))
        .where(and(inArray(threadPosts.id, quotedIds), eq(threadPosts.threadId, threadId)))
    : [];
  const quotedBy = new Map(quoted.map((q) => [q.id, q.authorName]));
  const posts = rows.map(({ p, authorName }): PostView => {
    const deleted = p.deletedAt !== null;
    const hidden = p.hiddenAt !== null;
    const removed = deleted || hidden;
    const showText = !removed || canSeeRemovedPostText(reader, { authorId: p.authorId });
    return {
      id: p.id,
      seq: p.seq,
      authorId: p.authorId,
      authorName,
      authorAgencyCode: p.authorAgencyCode,
      lang: p.lang,
      html: showText ? p.bodyHtml : '',
      body: !removed ? p.body : '',
      createdAt: p.createdAt,
      editedAt: p.editedAt,
      deleted,
      hidden,
      hiddenReason: hidden ? p.hiddenReason : null,
      showText,
      quoted: p.quotedPostId && quotedBy.has(p.quotedPostId) ? { id: p.quotedPostId, authorName: quotedBy.get(p.quotedPostId)! } : null,
      isNew: p.seq > readUpTo && p.createdAt.getTime() > mark && p.authorId !== reader.id,
      canEdit: canChangePost(reader, { authorId: p.authorId, deleted, hidden }),
      canSeeRevisions: p.editedAt !== null && canSeePostRevisions(reader, { authorId: p.authorId }),
    };
  });
  const [author] = await db().select({ name: users.displayName }).from(users).where(eq(users.id, thread.authorId));
  return {
    thread: { ...thread, authorName: author?.name ?? '—' },
    page,
    pages,
    posts,
    readUpTo,
    followLevel: await threadFollowLevel(reader.id, threadId),
    history: await moderationHistory(threadId),
    canModerate: canModerateThreads(reader),
  };
}

async function moderationHistory(threadId: number): Promise<HistoryEntry[]> {
  const rows = await db()
    .select({
      e: threadModerationEvents,
      actorName: users.displayName,
      postSeq: sql<number | null>`(SELECT seq FROM thread_posts p WHERE p.id = ${threadModerationEvents.postId})`,
    })
    .from(threadModerationEvents)
    .innerJoin(users, eq(users.id, threadModerationEvents.actorId))
    .where(eq(threadModerationEvents.threadId, threadId))
    .orderBy(asc(threadModerationEvents.at), asc(threadModerationEvents.id));
  return rows.map(({ e, actorName, postSeq }) => ({
    action: e.action,
    postId: e.postId,
    postSeq,
    actorName,
    actorAgencyCode: e.actorAgencyCode,
    reason: e.reason,
    detail: e.detail ? (JSON.parse(e.detail) as Record<string, unknown>) : {},
    at: e.at,
  }));
}

/**
 * Where a thread opens for the reader: the page of the first post they have not read (null when
 * they have read everything, or never opened it: then it opens at the start).
 */
export async function firstUnread(reader: Reader, thread: ThreadFacts): Promise<{ postId: number; page: number } | null> {
  const [readRow] = await db()
    .select({ seq: threadReads.lastReadSeq })
    .from(threadReads)
    .where(and(eq(threadReads.userId, reader.id), eq(threadReads.threadId, thread.id)));
  const readUpTo = readRow?.seq ?? 0;
  if (readUpTo === 0 || readUpTo >= thread.lastVisibleSeq) return null;
  const [next] = await db()
    .select({ id: threadPosts.id, seq: threadPosts.seq })
    .from(threadPosts)
    .where(
      and(
        eq(threadPosts.threadId, thread.id),
        sql`${threadPosts.seq} > ${readUpTo}`,
        sql`${threadPosts.hiddenAt} IS NULL`,
        sql`${threadPosts.deletedAt} IS NULL`,
      ),
    )
    .orderBy(asc(threadPosts.seq))
    .limit(1);
  return next ? { postId: next.id, page: pageOfSeq(next.seq) } : null;
}

/** A permalink: the thread and page of a post the reader may see (null otherwise). */
export async function postLocation(reader: Reader, postId: number): Promise<{ threadId: number; page: number; seq: number } | null> {
  if (!Number.isSafeInteger(postId) || postId <= 0) return null;
  const [post] = await db()
    .select({ threadId: threadPosts.threadId, seq: threadPosts.seq })
    .from(threadPosts)
    .where(eq(threadPosts.id, postId));
  if (!post || !(await visibleThread(reader, post.threadId))) return null;
  return { threadId: post.threadId, page: pageOfSeq(post.seq), seq: post.seq };
}

/** A post with its earlier versions, for its author and moderators (null for anyone else). */
export async function postRevisions(reader: Reader, postId: number) {
  if (!Number.isSafeInteger(postId) || postId <= 0) return null;
  const [row] = await db()
    .select({ p: threadPosts, authorName: users.displayName })
    .from(threadPosts)
    .innerJoin(users, eq(users.id, threadPosts.authorId))
    .where(eq(threadPosts.id, postId));
  if (!row) return null;
  const thread = await visibleThread(reader, row.p.threadId);
  if (!thread || !canSeePostRevisions(reader, { authorId: row.p.authorId })) return null;
  const revisions = await db()
    .select()
    .from(threadPostRevisions)
    .where(eq(threadPostRevisions.postId, postId))
    .orderBy(desc(threadPostRevisions.replacedAt), desc(threadPostRevisions.id));
  return {
    thread,
    post: {
      id: row.p.id,
      seq: row.p.seq,
      authorName: row.authorName,
      body: row.p.body,
      lang: row.p.lang,
      createdAt: row.p.createdAt,
      editedAt: row.p.editedAt,
    },
    revisions: revisions.map((r) => ({ title: r.title, body: r.body, writtenAt: r.writtenAt, replacedAt: r.replacedAt })),
  };
}

/** A post the reader may edit now (its author, while it stands), for the edit form. */
export async function postForEdit(reader: Reader, postId: number) {
  if (!Number.isSafeInteger(postId) || postId <= 0) return null;
  const [p] = await db().select().from(threadPosts).where(eq(threadPosts.id, postId));
  if (!p) return null;
  const thread = await visibleThread(reader, p.threadId);
  if (!thread || !canChangePost(reader, { authorId: p.authorId, deleted: p.deletedAt !== null, hidden: p.hiddenAt !== null })) return null;
  return { thread, post: { id: p.id, seq: p.seq, body: p.body, lang: p.lang } };
}

// ---------------------------------------------------------------------------------------------
// Mention completion

export interface MentionCandidate {
  handle: string;
  name: string;
  agencyCode: string;
}

/**
 * Members whose handle or name starts with the prefix and who may see the thread (or a thread of
 * the given scope, while it is being written): completion never offers anyone else.
 */
export async function mentionCandidates(reader: Reader, target: ThreadAccessFacts, prefix: string, limit = 8): Promise<MentionCandidate[]> {
  if (!canSeeThread(reader, target)) return [];
  await ensureHandles();
  const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const wanted = fold(prefix.replace(/^@/, '').trim()).slice(0, 40);
  const rows = await db()
    .select({
      id: users.id,
      name: users.displayName,
      role: users.role,
      agencyCode: agencies.code,
      agencyCountry: agencies.country,
      handle: memberHandles.handle,
    })
    .from(users)
    .innerJoin(agencies, eq(agencies.id, users.agencyId))
    .innerJoin(memberHandles, eq(memberHandles.userId, users.id))
    .where(eq(users.disabled, false))
    .orderBy(asc(memberHandles.handle));
  return rows
    .filter((u) => u.id !== reader.id)
    .filter(
      (u) =>
        !wanted ||
        u.handle.startsWith(wanted) ||
        fold(u.name)
          .split(/[^a-z0-9]+/)
          .some((w) => w.startsWith(wanted)),
    )
    .filter((u) => canSeeThread(u, target))
    .slice(0, limit)
    .map((u) => ({ handle: u.handle, name: u.name, agencyCode: u.agencyCode }));
}

/** Display names of members (search results name their authors). */
export async function memberNames(ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db()
    .select({ id: users.id, name: users.displayName })
    .from(users)
    .where(inArray(users.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r.name]));
}
