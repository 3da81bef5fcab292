/**
 * The hook for documents attached to thread posts (issue 11, src/server/documents/): which post,
 * thread and scope a document would belong to, and whether the reader may attach one. A document
 * attached to a post takes the thread's scope, so it is visible exactly where the post is.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { threadPosts } from '#db/schema/index.ts';
import { canChangePost, canSeePostAttachments, type Reader } from '#src/server/access.ts';
import { actorOf, audit } from '#src/server/audit.ts';
import { db } from '#src/server/db.ts';
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
