/**
 * Following and unread tracking. A member watches a thread (told about every reply), leaves it at
 * normal (mentions only) or mutes it; the same for a category (its new threads and replies).
 * Reading a page of a thread moves the member's "last post read" forward; "mark all read" sets a
 * time before which nothing counts as new.
 */
import { and, eq, sql } from 'drizzle-orm';
import { categoryFollows, threadFollows, threadReadMarks, threadReads, type FollowLevel } from '#db/schema/index.ts';
import type { Reader } from '#src/server/access.ts';
import { db, type Executor } from '#src/server/db.ts';
import { DomainError } from '#src/server/errors.ts';
import { visibleCategory, visibleThread } from './store.ts';

/** Records that the member has read the thread up to post `seq` (never moves backwards). */
export async function markThreadRead(
  userId: string,
  threadId: number,
  seq: number,
  now: Date = new Date(),
  ex: Executor = db(),
): Promise<void> {
  if (seq <= 0) return;
  await ex
    .insert(threadReads)
    .values({ userId, threadId, lastReadSeq: seq, readAt: now })
    .onConflictDoUpdate({
      target: [threadReads.userId, threadReads.threadId],
      set: { lastReadSeq: sql`max(${threadReads.lastReadSeq}, excluded.last_read_seq)`, readAt: now },
      setWhere: sql`${threadReads.lastReadSeq} < excluded.last_read_seq`,
    });
}

/** Everything up to now counts as read. */
export async function markAllThreadsRead(reader: Reader, now: Date = new Date()): Promise<void> {
  await db()
    .insert(threadReadMarks)
    .values({ userId: reader.id, allReadAt: now })
    .onConflictDoUpdate({ target: threadReadMarks.userId, set: { allReadAt: now } });
}

export async function threadFollowLevel(userId: string, threadId: number): Promise<FollowLevel> {
  const [row] = await db()
    .select({ level: threadFollows.level })
    .from(threadFollows)
    .where(and(eq(threadFollows.userId, userId), eq(threadFollows.threadId, threadId)));
  return row?.level ?? 'normal';
}

export async function categoryFollowLevel(userId: string, categoryId: number): Promise<FollowLevel> {
  const [row] = await db()
    .select({ level: categoryFollows.level })
    .from(categoryFollows)
    .where(and(eq(categoryFollows.userId, userId), eq(categoryFollows.categoryId, categoryId)));
  return row?.level ?? 'normal';
}

export async function setThreadFollow(reader: Reader, threadId: number, level: FollowLevel): Promise<void> {
  if (!(await visibleThread(reader, threadId))) throw new DomainError('thread_not_found');
  // "Normal" is stored too: it keeps a member who chose it from being followed again when they reply.
  await db()
    .insert(threadFollows)
    .values({ userId: reader.id, threadId, level })
    .onConflictDoUpdate({ target: [threadFollows.threadId, threadFollows.userId], set: { level } });
}

export async function setCategoryFollow(reader: Reader, categoryId: number, level: FollowLevel): Promise<void> {
  if (!(await visibleCategory(reader, { id: categoryId }))) throw new DomainError('thread_category_not_found');
  if (level === 'normal') {
    await db()
      .delete(categoryFollows)
      .where(and(eq(categoryFollows.userId, reader.id), eq(categoryFollows.categoryId, categoryId)));
    return;
  }
  await db()
    .insert(categoryFollows)
    .values({ userId: reader.id, categoryId, level })
    .onConflictDoUpdate({ target: [categoryFollows.categoryId, categoryFollows.userId], set: { level } });
}
