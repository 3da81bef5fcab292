/**
 * What every thread operation reads first: a thread with its scope and category, checked against
 * the reader (src/server/access.ts). A thread the reader may not see does not exist for them: the
 * functions answer null, and writes throw `thread_not_found` (the page's 404).
 */
import { and, eq, sql } from 'drizzle-orm';
import { agencies, threadCategories, threadPosts, threads, type HandlingCode } from '#db/schema/index.ts';
import { canSeeThread, canSeeThreadCategory, type Reader } from '#src/server/access.ts';
import { db, type Executor } from '#src/server/db.ts';
import { DomainError } from '#src/server/errors.ts';
import { scopeTokensOf } from '#src/server/scopes.ts';

/** The signed-in member acting (SessionUser satisfies it). */
export interface ThreadActor extends Reader {
  email: string;
  displayName: string;
  ip?: string | null;
}

export interface CategoryFacts {
  id: number;
  slug: string;
  nameEs: string;
  nameEn: string;
  descriptionEs: string;
  descriptionEn: string;
  scopeSetId: number;
  scope: string[];
  position: number;
  archived: boolean;
}

export interface ThreadFacts {
  id: number;
  title: string;
  lang: 'es' | 'en';
  handlingCode: HandlingCode;
  handlingNote: string | null;
  authorId: string;
  authorAgencyCode: string;
  tags: string[];
  scopeSetId: number;
  scope: string[];
  pinned: boolean;
  locked: boolean;
  hidden: boolean;
  createdAt: Date;
  lastSeq: number;
  lastVisibleSeq: number;
  postCount: number;
  lastPostAt: Date;
  category: CategoryFacts;
}

function categoryFacts(row: typeof threadCategories.$inferSelect, scope: string[]): CategoryFacts {
  return {
    id: row.id,
    slug: row.slug,
    nameEs: row.nameEs,
    nameEn: row.nameEn,
    descriptionEs: row.descriptionEs,
    descriptionEn: row.descriptionEn,
    scopeSetId: row.scopeSetId,
    scope,
    position: row.position,
    archived: row.archivedAt !== null,
  };
}

/** The thread as stored, without any access check: callers check. */
export async function loadThread(id: number, ex: Executor = db()): Promise<ThreadFacts | null> {
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const [row] = await ex
    .select({ t: threads, c: threadCategories })
    .from(threads)
    .innerJoin(threadCategories, eq(threadCategories.id, threads.categoryId))
    .where(eq(threads.id, id));
  if (!row) return null;
  const scopes = await scopeTokensOf([row.t.scopeSetId, row.c.scopeSetId], ex);
  const t = row.t;
  return {
    id: t.id,
    title: t.title,
    lang: t.lang,
    handlingCode: t.handlingCode,
    handlingNote: t.handlingNote,
    authorId: t.authorId,
    authorAgencyCode: t.authorAgencyCode,
    tags: t.tags ? t.tags.split(' ') : [],
    scopeSetId: t.scopeSetId,
    scope: scopes.get(t.scopeSetId) ?? [],
    pinned: t.pinnedAt !== null,
    locked: t.lockedAt !== null,
    hidden: t.hiddenAt !== null,
    createdAt: t.createdAt,
    lastSeq: t.lastSeq,
    lastVisibleSeq: t.lastVisibleSeq,
    postCount: t.postCount,
    lastPostAt: t.lastPostAt,
    category: categoryFacts(row.c, scopes.get(row.c.scopeSetId) ?? []),
  };
}

/** The thread if the reader may see it, else null. */
export async function visibleThread(reader: Reader | null, id: number, ex: Executor = db()): Promise<ThreadFacts | null> {
  if (!reader) return null;
  const thread = await loadThread(id, ex);
  if (!thread || !canSeeThread(reader, thread)) return null;
  return thread;
}

/** For writes: the thread, or `thread_not_found` whether it is missing or merely invisible. */
export async function threadForWrite(reader: Reader, id: number, ex: Executor): Promise<ThreadFacts> {
  const thread = await visibleThread(reader, id, ex);
  if (!thread) throw new DomainError('thread_not_found');
  return thread;
}

export async function loadCategory(where: { id: number } | { slug: string }, ex: Executor = db()): Promise<CategoryFacts | null> {
  const [row] = await ex
    .select()
    .from(threadCategories)
    .where('id' in where ? eq(threadCategories.id, where.id) : eq(threadCategories.slug, where.slug));
  if (!row) return null;
  const scopes = await scopeTokensOf([row.scopeSetId], ex);
  return categoryFacts(row, scopes.get(row.scopeSetId) ?? []);
}

export async function visibleCategory(
  reader: Reader | null,
  where: { id: number } | { slug: string },
  ex: Executor = db(),
): Promise<CategoryFacts | null> {
  const category = await loadCategory(where, ex);
  return category && canSeeThreadCategory(reader, category.scope) ? category : null;
}

/** Agency code -> country, for "is this scope inside that one" (src/server/access.ts scopeWithin). */
export async function agencyCountries(ex: Executor = db()): Promise<Map<string, string>> {
  const rows = await ex.select({ code: agencies.code, country: agencies.country }).from(agencies);
  return new Map(rows.map((r) => [r.code, r.country]));
}

/** A post with its thread, for writes on one post; `thread_not_found` when either is invisible. */
export async function postForWrite(reader: Reader, postId: number, ex: Executor) {
  if (!Number.isSafeInteger(postId) || postId <= 0) throw new DomainError('thread_not_found');
  const [post] = await ex.select().from(threadPosts).where(eq(threadPosts.id, postId));
  if (!post) throw new DomainError('thread_not_found');
  const thread = await threadForWrite(reader, post.threadId, ex);
  return { post, thread };
}

/**
 * Recomputes a thread's counters from its posts (after a post is hidden, restored or deleted):
 * visible posts, the last visible post, and the time of the last post.
 */
export async function refreshThreadCounters(ex: Executor, threadId: number): Promise<void> {
  await ex
    .update(threads)
    .set({
      postCount: sql`(SELECT count(*) FROM thread_posts p WHERE p.thread_id = ${threadId} AND p.hidden_at IS NULL AND p.deleted_at IS NULL)`,
      lastVisibleSeq: sql`coalesce((SELECT max(p.seq) FROM thread_posts p WHERE p.thread_id = ${threadId} AND p.hidden_at IS NULL AND p.deleted_at IS NULL), 0)`,
    })
    .where(eq(threads.id, threadId));
}

/** Posts of a thread by seq range (inclusive). */
export function postsBetween(threadId: number, fromSeq: number, toSeq: number) {
  return and(eq(threadPosts.threadId, threadId), sql`${threadPosts.seq} BETWEEN ${fromSeq} AND ${toSeq}`);
}
