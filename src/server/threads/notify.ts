/**
 * Who hears about what happens in a thread: its followers (authors and repliers follow it
 * automatically), the followers of its category, members mentioned in a post, and the author of
 * a post or thread a moderator acted on. Muting a thread or category silences its replies and new
 * threads (a mention still reaches you). Nobody is told about a thread they may not see, and
 * nobody about their own action.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { categoryFollows, threadFollows, type ModerationAction } from '#db/schema/index.ts';
import { canSeeThread } from '#src/server/access.ts';
import type { Executor } from '#src/server/db.ts';
import { notify } from '#src/server/notifications/notify.ts';
import { recipientsByIds } from '#src/server/notifications/readers.ts';
import type { ThreadActor, ThreadFacts } from './store.ts';

/** The given users who are active and may see the thread. */
export async function whoMaySee(ex: Executor, thread: ThreadFacts, userIds: readonly string[]): Promise<string[]> {
  const people = await recipientsByIds(userIds, ex);
  return [...people.values()].filter((p) => canSeeThread(p, thread)).map((p) => p.id);
}

/** Followers of the thread and of its category, less those who muted the thread. */
async function followers(ex: Executor, thread: ThreadFacts): Promise<string[]> {
  const own = await ex
    .select({ userId: threadFollows.userId, level: threadFollows.level })
    .from(threadFollows)
    .where(eq(threadFollows.threadId, thread.id));
  const muted = new Set(own.filter((f) => f.level === 'muted').map((f) => f.userId));
  const watching = new Set(own.filter((f) => f.level === 'watching').map((f) => f.userId));
  const category = await ex
    .select({ userId: categoryFollows.userId })
    .from(categoryFollows)
    .where(and(eq(categoryFollows.categoryId, thread.category.id), eq(categoryFollows.level, 'watching')));
  for (const c of category) if (!muted.has(c.userId)) watching.add(c.userId);
  return [...watching];
}

/** Members who muted the thread or its category (a new thread in a muted category tells them nothing). */
async function mutedCategory(ex: Executor, thread: ThreadFacts, userIds: string[]): Promise<Set<string>> {
  if (!userIds.length) return new Set();
  const rows = await ex
    .select({ userId: categoryFollows.userId })
    .from(categoryFollows)
    .where(
      and(eq(categoryFollows.categoryId, thread.category.id), eq(categoryFollows.level, 'muted'), inArray(categoryFollows.userId, userIds)),
    );
  return new Set(rows.map((r) => r.userId));
}

/** Authors and repliers follow the thread, unless they chose otherwise before. */
export async function autoFollow(ex: Executor, threadId: number, userId: string): Promise<void> {
  await ex.insert(threadFollows).values({ userId, threadId, level: 'watching' }).onConflictDoNothing();
}

function actorParams(actor: ThreadActor, postId: number | null): Record<string, string> {
  return { actor: actor.displayName, agency: actor.agencyCode, ...(postId ? { post: String(postId) } : {}) };
}

/**
 * A new post: mentions to the mentioned, replies (or, for a new thread, "new thread") to the
 * followers. Returns the function that e-mails them after the commit.
 */
export async function notifyPost(
  ex: Executor,
  input: { thread: ThreadFacts; postId: number; actor: ThreadActor; mentioned: readonly string[]; isNewThread: boolean; now: Date },
): Promise<() => void> {
  const { thread, postId, actor, now } = input;
  const mentioned = new Set(await whoMaySee(ex, thread, input.mentioned));
  mentioned.delete(actor.id);
  const sends: (() => void)[] = [];
  sends.push(
    await notify(ex, {
      subjectKind: 'thread',
      subjectId: thread.id,
      kind: 'thread_mention',
      recipients: [...mentioned],
      actorId: actor.id,
      params: actorParams(actor, postId),
      now,
    }),
  );
  let others = (await followers(ex, thread)).filter((id) => !mentioned.has(id));
  if (input.isNewThread) {
    const muted = await mutedCategory(ex, thread, others);
    others = others.filter((id) => !muted.has(id));
  }
  sends.push(
    await notify(ex, {
      subjectKind: 'thread',
      subjectId: thread.id,
      kind: input.isNewThread ? 'thread_new' : 'thread_reply',
      recipients: await whoMaySee(ex, thread, others),
      actorId: actor.id,
      params: actorParams(actor, postId),
      now,
    }),
  );
  return () => sends.forEach((s) => s());
}

/** Members newly mentioned in an edited post. */
export async function notifyMentions(
  ex: Executor,
  input: { thread: ThreadFacts; postId: number; actor: ThreadActor; mentioned: readonly string[]; now: Date },
): Promise<() => void> {
  return notify(ex, {
    subjectKind: 'thread',
    subjectId: input.thread.id,
    kind: 'thread_mention',
    recipients: await whoMaySee(ex, input.thread, input.mentioned),
    actorId: input.actor.id,
    params: actorParams(input.actor, input.postId),
    now: input.now,
  });
}

/** A moderator acted on someone's post or thread: its author is told. */
export async function notifyModerated(
  ex: Executor,
  input: {
    thread: ThreadFacts;
    authorId: string;
    postId: number | null;
    actor: ThreadActor;
    action: ModerationAction;
    category?: string;
    now: Date;
  },
): Promise<() => void> {
  return notify(ex, {
    subjectKind: 'thread',
    subjectId: input.thread.id,
    kind: 'thread_moderated',
    recipients: await whoMaySee(ex, input.thread, [input.authorId]),
    actorId: input.actor.id,
    params: { ...actorParams(input.actor, input.postId), action: input.action, ...(input.category ? { category: input.category } : {}) },
    now: input.now,
  });
}
