/**
 * The hook for documents attached to thread posts (issue 11, src/server/documents/): which post,
 * thread and scope a document would belong to, and whether the reader may attach one. A document
 * attached to a post takes the thread's scope, so it is visible exactly where the post is.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { documents, threadPosts } from '#db/schema/index.ts';
import { canChangePost, canModerateThreads, canSeePostAttachments, type Reader } from '#src/server/access.ts';
import { actorOf, audit } from '#src/server/audit.ts';
import { db, type Executor } from '#src/server/db.ts';
import { visibleThreadSql } from './notification-subject.ts';
import { visibleThread, type ThreadActor } from './store.ts';

export interface PostAttachmentTarget {
  postId: number;
  threadId: number;
  categoryId: number;
  /** The thread's scope tokens (and its scope_sets id): a document on the post is visible to exactly these. */
  scope: string[];
  scopeSetId: number;
  /** The post's author may attach while the post stands and the thread takes replies. */
  canAttach: boolean;
}

/** The post as an attachment target, or null when the reader may not see it (answer 404). */
export async function postAttachmentTarget(reader: Reader | null, postId: number): Promise<PostAttachmentTarget | null> {
  if (!reader || !Number.isSafeInteger(postId) || postId <= 0) return null;
  const [post] = await db().select().from(threadPosts).where(eq(threadPosts.id, postId));
  if (!post) return null;
  const thread = await visibleThread(reader, post.threadId);
  if (!thread) return null;
  const standing = canChangePost(reader, { authorId: post.authorId, deleted: post.deletedAt !== null, hidden: post.hiddenAt !== null });
  return {
    postId: post.id,
    threadId: thread.id,
    categoryId: thread.category.id,
    scope: thread.scope,
    scopeSetId: thread.scopeSetId,
    canAttach: standing && !thread.locked && !thread.hidden && !thread.category.archived,
  };
}

/**
 * "The reader may see this post" in SQL over a post id column, for a documents list or download
 * check that joins thread posts: the thread's access rule, and the post neither hidden nor deleted.
 */
export function visiblePostSql(reader: Reader, postId: SQL): SQL {
  return sql`${postId} IN (SELECT p.id FROM thread_posts p JOIN threads t ON t.id = p.thread_id
    WHERE p.hidden_at IS NULL AND p.deleted_at IS NULL AND ${visibleThreadSql(reader)})`;
}

/**
 * Whether the reader may see the files attached to a post of a thread (document page, download,
 * thumbnail, attachment lists): the thread visible to the reader, the post standing (moderators
 * also see a removed post's files). `postId` null: attached to the thread itself.
 */
export async function postAttachmentsVisible(reader: Reader | null, threadId: number | null, postId: number | null): Promise<boolean> {
  if (!reader || threadId === null) return false;
  const thread = await visibleThread(reader, threadId);
  if (!thread) return false;
  if (postId === null) return canSeePostAttachments(reader, thread, null);
  const [post] = await db()
    .select({ hiddenAt: threadPosts.hiddenAt, deletedAt: threadPosts.deletedAt })
    .from(threadPosts)
    .where(and(eq(threadPosts.id, postId), eq(threadPosts.threadId, threadId)));
  if (!post) return false;
  return canSeePostAttachments(reader, thread, { deleted: post.deletedAt !== null, hidden: post.hiddenAt !== null });
}

/** A post with files aimed at a thread or category the member may not see: audited, answered 404 or refused. */
export async function auditRefusedAttachment(actor: ThreadActor, target: string): Promise<void> {
  await audit(actorOf(actor, actor.ip), { action: 'threads.post.attach', target, outcome: 'denied' });
}

/**
 * canSeePostAttachments in SQL over a thread id and a post id (NULL: attached to the thread
 * itself), for lists of documents: the thread visible to the reader, and the post standing
 * (moderators also see a removed post's files). Correlated look-ups by primary key, so a list
 * pays only for the rows that are thread attachments.
 */
export function postAttachmentsVisibleSql(reader: Reader, threadId: SQL, postId: SQL): SQL {
  const standing = canModerateThreads(reader) ? sql`` : sql` AND p.hidden_at IS NULL AND p.deleted_at IS NULL`;
  return sql`(EXISTS (SELECT 1 FROM threads t WHERE t.id = ${threadId} AND ${visibleThreadSql(reader)})
    AND (${postId} IS NULL OR EXISTS (SELECT 1 FROM thread_posts p WHERE p.id = ${postId} AND p.thread_id = ${threadId}${standing})))`;
}

/**
 * A thread moved to another audience: its files take the thread's new scope (lists already follow
 * the thread through postAttachmentsVisibleSql; this keeps the document page's scope and an
 * external search index true). Inside the move's transaction; returns the documents changed.
 */
export async function rescopeThreadAttachments(ex: Executor, threadId: number, scopeSetId: number): Promise<number[]> {
  const changed = await ex
    .update(documents)
    .set({ scopeSetId, scopeKind: 'thread' })
    .where(and(eq(documents.origin, 'thread'), eq(documents.originId, threadId)))
    .returning({ id: documents.id });
  return changed.map((d) => d.id);
}
