/**
 * Moderation (moderators and admins): pin, lock, hide and restore threads and posts, move a
 * thread to another category, and the queue of posts members reported. Every action is checked
 * here (not only in the page), written to the audit log and to the thread's visible moderation
 * history, and told to the author of the post or thread; a refused attempt (a member's forged
 * form post) is audited as denied and changes nothing.
 */
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import {
  threadCategories,
  threadModerationEvents,
  threadPosts,
  threadReports,
  threads,
  users,
  type ModerationAction,
} from '#db/schema/index.ts';
import { AccessDenied, canModerateThreads, canSee, scopeWithin, type Reader } from '#src/server/access.ts';
import { actorOf, audit } from '#src/server/audit.ts';
import { db, type Executor } from '#src/server/db.ts';
import { DomainError } from '#src/server/errors.ts';
import { scopeSetIdFor, visibleScopeSql } from '#src/server/scopes.ts';
import { afterDocumentsChanged } from '#src/server/search/documents.ts';
import { afterThreadPostsChanged } from '#src/server/search/threads.ts';
import { syncThreadIndex, syncThreadPostsIndex } from '#src/server/search/threads-fts5-index.ts';
import { rescopeThreadAttachments } from './attachments.ts';
import { notifyModerated } from './notify.ts';
import {
  agencyCountries,
  loadCategory,
  loadThread,
  postForWrite,
  refreshThreadCounters,
  threadForWrite,
  type ThreadActor,
  type ThreadFacts,
} from './store.ts';

export const REASON_MAX = 500;

/** Refuses a member's moderation attempt: audited as denied, answered as "not allowed". */
async function requireModerator(actor: ThreadActor, action: string, target: string): Promise<void> {
  if (canModerateThreads(actor)) return;
  await audit(actorOf(actor, actor.ip), { action: `threads.${action}`, target, outcome: 'denied' });
  throw new AccessDenied('moderator');
}

function cleanReason(raw: string | null | undefined, required: boolean): string | null {
  const reason = (raw ?? '').replace(/\s+/g, ' ').trim();
  if (!reason) {
    if (required) throw new DomainError('thread_reason_required', 'reason');
    return null;
  }
  if (reason.length > REASON_MAX) throw new DomainError('thread_field_too_long', 'reason', { max: REASON_MAX });
  return reason;
}

async function record(
  ex: Executor,
  actor: ThreadActor,
  input: {
    thread: ThreadFacts;
    action: ModerationAction;
    postId?: number | null;
    reason?: string | null;
    detail?: Record<string, unknown>;
    now: Date;
  },
): Promise<void> {
  await ex.insert(threadModerationEvents).values({
    threadId: input.thread.id,
    postId: input.postId ?? null,
    action: input.action,
    actorId: actor.id,
    actorAgencyCode: actor.agencyCode,
    reason: input.reason ?? null,
    detail: input.detail ? JSON.stringify(input.detail) : null,
    at: input.now,
  });
  await audit(
    actorOf(actor, actor.ip),
    {
      action: `threads.${input.action}`,
      target: input.postId ? `post:${input.postId}` : `thread:${input.thread.id}`,
      detail: { thread: input.thread.id, ...(input.reason ? { reason: input.reason } : {}), ...input.detail },
    },
    ex,
  );
}

export const THREAD_MODERATIONS = ['pin', 'unpin', 'lock', 'unlock', 'hide_thread', 'restore_thread'] as const;
export type ThreadModeration = (typeof THREAD_MODERATIONS)[number];
const POST_MODERATIONS = ['hide_post', 'restore_post'] as const;

/**
 * The branches below pick by elimination (anything not a pin is taken for its opposite), so an
 * action from outside the list (a caller the compiler did not check) is refused before anything runs.
 */
function requireKnownAction(known: readonly string[], action: string): void {
  if (!known.includes(action)) throw new DomainError('thread_action_unknown', 'action', { action: String(action).slice(0, 40) });
}

/** Pin, unpin, lock, unlock, hide or restore a whole thread (hiding needs a reason). */
export async function moderateThread(
  actor: ThreadActor,
  threadId: number,
  action: ThreadModeration,
  opts: { reason?: string | null; now?: Date } = {},
): Promise<void> {
  requireKnownAction(THREAD_MODERATIONS, action);
  await requireModerator(actor, action, `thread:${threadId}`);
  const now = opts.now ?? new Date();
  const reason = cleanReason(opts.reason, action === 'hide_thread');
  const done = await db().transaction(async (tx) => {
    const thread = await threadForWrite(actor, threadId, tx);
    const already =
      (action === 'pin' && thread.pinned) ||
      (action === 'unpin' && !thread.pinned) ||
      (action === 'lock' && thread.locked) ||
      (action === 'unlock' && !thread.locked) ||
      (action === 'hide_thread' && thread.hidden) ||
      (action === 'restore_thread' && !thread.hidden);
    if (already) return { send: () => {}, postIds: [] as number[] };
    const set =
      action === 'pin' || action === 'unpin'
        ? { pinnedAt: action === 'pin' ? now : null }
        : action === 'lock' || action === 'unlock'
          ? { lockedAt: action === 'lock' ? now : null }
          : { hiddenAt: action === 'hide_thread' ? now : null };
    await tx.update(threads).set(set).where(eq(threads.id, threadId));
    // A hidden thread leaves the search index whole; restoring puts back what is findable.
    const postIds = action === 'hide_thread' || action === 'restore_thread' ? await syncThreadIndex(tx, threadId) : [];
    await record(tx, actor, { thread, action, reason, now });
    const updated = (await loadThread(threadId, tx))!;
    const send = await notifyModerated(tx, { thread: updated, authorId: thread.authorId, postId: null, actor, action, now });
    return { send, postIds };
  });
  done.send();
  afterThreadPostsChanged(done.postIds);
}

/** Hide a post (with a reason: it also resolves the open reports on it) or restore it. */
export async function moderatePost(
  actor: ThreadActor,
  postId: number,
  action: 'hide_post' | 'restore_post',
  opts: { reason?: string | null; now?: Date } = {},
): Promise<{ threadId: number }> {
  requireKnownAction(POST_MODERATIONS, action);
  await requireModerator(actor, action, `post:${postId}`);
  const now = opts.now ?? new Date();
  const reason = cleanReason(opts.reason, action === 'hide_post');
  const done = await db().transaction(async (tx) => {
    const { post, thread } = await postForWrite(actor, postId, tx);
    const hidden = post.hiddenAt !== null;
    if ((action === 'hide_post') === hidden) return { threadId: thread.id, send: () => {} };
    await tx
      .update(threadPosts)
      .set(
        action === 'hide_post'
          ? { hiddenAt: now, hiddenBy: actor.id, hiddenReason: reason }
          : { hiddenAt: null, hiddenBy: null, hiddenReason: null },
      )
      .where(eq(threadPosts.id, postId));
    if (action === 'hide_post')
      await tx
        .update(threadReports)
        .set({ resolvedAt: now, resolvedBy: actor.id, resolution: 'hidden' })
        .where(and(eq(threadReports.postId, postId), isNull(threadReports.resolvedAt)));
    await refreshThreadCounters(tx, thread.id);
    await syncThreadPostsIndex(tx, [postId]);
    await record(tx, actor, { thread, action, postId, reason, now });
    const send = await notifyModerated(tx, { thread, authorId: post.authorId, postId, actor, action, now });
    return { threadId: thread.id, send };
  });
  done.send();
  afterThreadPostsChanged([postId]);
  return { threadId: done.threadId };
}

export interface MovePlan {
  /** The thread's scope today and after the move. */
  from: string[];
  to: string[];
  /** The thread's scope fits the new category, so it may keep it. */
  canKeep: boolean;
  /** Someone would gain access: the move needs an explicit confirmation. */
  widens: boolean;
  /** Someone would lose access. */
  narrows: boolean;
}

/** After a move a thread keeps its audience (when that fits the new category) or takes the new category's. */
export type MoveAudience = 'keep' | 'category';

/** What moving a thread to a category does to its audience. */
export async function planMove(
  thread: ThreadFacts,
  targetScope: readonly string[],
  audience: MoveAudience = 'keep',
  ex: Executor = db(),
): Promise<MovePlan> {
  const countries = await agencyCountries(ex);
  const countryOf = (code: string) => countries.get(code);
  const canKeep = scopeWithin(thread.scope, targetScope, countryOf);
  const to = canKeep && audience === 'keep' ? thread.scope : [...targetScope];
  return {
    from: thread.scope,
    to,
    canKeep,
    widens: !scopeWithin(to, thread.scope, countryOf),
    narrows: !scopeWithin(thread.scope, to, countryOf),
  };
}

/**
 * Moves a thread to another category. When its audience would widen (someone who cannot read it
 * today could afterwards), the move happens only with `confirmWiden`; otherwise it is refused with
 * `thread_move_widens` and nothing changes.
 */
export async function moveThread(
  actor: ThreadActor,
  threadId: number,
  targetCategoryId: number,
  opts: { audience?: MoveAudience; confirmWiden?: boolean; reason?: string | null; now?: Date } = {},
): Promise<MovePlan> {
  await requireModerator(actor, 'move', `thread:${threadId}`);
  const now = opts.now ?? new Date();
  const reason = cleanReason(opts.reason, false);
  const done = await db().transaction(async (tx) => {
    const thread = await threadForWrite(actor, threadId, tx);
    const target = await loadCategory({ id: targetCategoryId }, tx);
    if (!target || !canSee(actor, target.scope)) throw new DomainError('thread_category_not_found', 'categoryId');
    if (target.archived) throw new DomainError('thread_category_archived', 'categoryId');
    if (target.id === thread.category.id) throw new DomainError('thread_move_same', 'categoryId');
    const plan = await planMove(thread, target.scope, opts.audience ?? 'keep', tx);
    if (plan.widens && !opts.confirmWiden) throw new DomainError('thread_move_widens', 'confirmWiden');
    const scopeSetId = await scopeSetIdFor(tx, plan.to);
    await tx.update(threads).set({ categoryId: target.id, scopeSetId }).where(eq(threads.id, threadId));
    const documentIds = await rescopeThreadAttachments(tx, threadId, scopeSetId);
    await record(tx, actor, {
      thread,
      action: 'move',
      reason,
      detail: { from: thread.category.slug, to: target.slug, scopeFrom: plan.from, scopeTo: plan.to },
      now,
    });
    const moved = (await loadThread(threadId, tx))!;
    const send = await notifyModerated(tx, {
      thread: moved,
      authorId: thread.authorId,
      postId: null,
      actor,
      action: 'move',
      category: `${target.nameEs} / ${target.nameEn}`,
      now,
    });
    // The category and scope are on every post's document of the remote index: all of them go to the outbox.
    const postIds = await syncThreadIndex(tx, threadId);
    return { plan, send, postIds, documentIds };
  });
  done.send();
  // The scope is part of every document of an external index.
  afterThreadPostsChanged(done.postIds);
  afterDocumentsChanged(done.documentIds);
  return done.plan;
}

// ---------------------------------------------------------------------------------------------
// Reports

/** A member reports a post with a reason; one open report per member and post. */
export async function reportPost(actor: ThreadActor, postId: number, rawReason: string, now: Date = new Date()): Promise<void> {
  const reason = cleanReason(rawReason, true)!;
  await db().transaction(async (tx) => {
    const { post } = await postForWrite(actor, postId, tx);
    if (post.authorId === actor.id) throw new DomainError('thread_report_own');
    if (post.hiddenAt || post.deletedAt) throw new DomainError('thread_report_gone');
    await tx.insert(threadReports).values({ postId, reporterId: actor.id, reason, createdAt: now }).onConflictDoNothing();
    await audit(actorOf(actor, actor.ip), { action: 'threads.report', target: `post:${postId}` }, tx);
  });
}

/** The moderator finds a report unfounded: it (and the other open reports on the post) close. */
export async function dismissReports(actor: ThreadActor, postId: number, now: Date = new Date()): Promise<void> {
  await requireModerator(actor, 'dismiss_report', `post:${postId}`);
  await db().transaction(async (tx) => {
    const { thread } = await postForWrite(actor, postId, tx);
    const open = await tx
      .update(threadReports)
      .set({ resolvedAt: now, resolvedBy: actor.id, resolution: 'dismissed' })
      .where(and(eq(threadReports.postId, postId), isNull(threadReports.resolvedAt)))
      .returning({ id: threadReports.id });
    if (open.length) await record(tx, actor, { thread, action: 'dismiss_report', postId, now });
  });
}

export interface ReportedPost {
  postId: number;
  threadId: number;
  threadTitle: string;
  seq: number;
  authorName: string;
  authorAgencyCode: string;
  bodyHtml: string;
  lang: 'es' | 'en';
  createdAt: Date;
  reports: { reporterName: string; reporterAgencyCode: string; reason: string; at: Date }[];
}

/** Open reports on posts the moderator may see, oldest first (only moderators). */
export async function moderationQueue(reader: Reader): Promise<ReportedPost[]> {
  if (!canModerateThreads(reader)) throw new AccessDenied('moderator');
  const rows = await db()
    .select({
      postId: threadPosts.id,
      threadId: threads.id,
      threadTitle: threads.title,
      seq: threadPosts.seq,
      authorName: users.displayName,
      authorAgencyCode: threadPosts.authorAgencyCode,
      bodyHtml: threadPosts.bodyHtml,
      lang: threadPosts.lang,
      createdAt: threadPosts.createdAt,
      reason: threadReports.reason,
      reportedAt: threadReports.createdAt,
      reporterName: sql<string>`(SELECT display_name FROM users u WHERE u.id = ${threadReports.reporterId})`,
      reporterAgencyCode: sql<string>`(SELECT a.code FROM users u JOIN agencies a ON a.id = u.agency_id WHERE u.id = ${threadReports.reporterId})`,
    })
    .from(threadReports)
    .innerJoin(threadPosts, eq(threadPosts.id, threadReports.postId))
    .innerJoin(threads, eq(threads.id, threadPosts.threadId))
    .innerJoin(users, eq(users.id, threadPosts.authorId))
    .where(and(isNull(threadReports.resolvedAt), visibleScopeSql(reader, threads.scopeSetId)))
    .orderBy(asc(threadReports.createdAt));
  const byPost = new Map<number, ReportedPost>();
  for (const r of rows) {
    let entry = byPost.get(r.postId);
    if (!entry) {
      entry = {
        postId: r.postId,
        threadId: r.threadId,
        threadTitle: r.threadTitle,
        seq: r.seq,
        authorName: r.authorName,
        authorAgencyCode: r.authorAgencyCode,
        bodyHtml: r.bodyHtml,
        lang: r.lang,
        createdAt: r.createdAt,
        reports: [],
      };
      byPost.set(r.postId, entry);
    }
    entry.reports.push({ reporterName: r.reporterName, reporterAgencyCode: r.reporterAgencyCode, reason: r.reason, at: r.reportedAt });
  }
  return [...byPost.values()];
}

/** Hidden threads the moderator may see, newest first (to restore them). */
export async function hiddenThreads(
  reader: Reader,
): Promise<{ id: number; title: string; hiddenAt: Date; categoryEs: string; categoryEn: string }[]> {
  if (!canModerateThreads(reader)) throw new AccessDenied('moderator');
  const rows = await db()
    .select({
      id: threads.id,
      title: threads.title,
      hiddenAt: threads.hiddenAt,
      nameEs: threadCategories.nameEs,
      nameEn: threadCategories.nameEn,
    })
    .from(threads)
    .innerJoin(threadCategories, eq(threadCategories.id, threads.categoryId))
    .where(and(sql`${threads.hiddenAt} IS NOT NULL`, visibleScopeSql(reader, threads.scopeSetId)))
    .orderBy(desc(threads.hiddenAt))
    .limit(100);
  return rows.map((r) => ({ id: r.id, title: r.title, hiddenAt: r.hiddenAt!, categoryEs: r.nameEs, categoryEn: r.nameEn }));
}

/** Whether the member has an open report on each of the posts (the page shows "reported"). */
export async function openReportsBy(userId: string, postIds: readonly number[]): Promise<Set<number>> {
  if (!postIds.length) return new Set();
  const rows = await db()
    .select({ postId: threadReports.postId })
    .from(threadReports)
    .where(and(eq(threadReports.reporterId, userId), isNull(threadReports.resolvedAt), inArray(threadReports.postId, [...postIds])));
  return new Set(rows.map((r) => r.postId));
}

/** Posts with open reports the moderator may see (the forum navigation's count); 0 for members. */
export async function openReportCount(reader: Reader): Promise<number> {
  if (!canModerateThreads(reader)) return 0;
  const [row] = await db()
    .select({ n: sql<number>`count(DISTINCT ${threadReports.postId})` })
    .from(threadReports)
    .innerJoin(threadPosts, eq(threadPosts.id, threadReports.postId))
    .innerJoin(threads, eq(threads.id, threadPosts.threadId))
    .where(and(isNull(threadReports.resolvedAt), visibleScopeSql(reader, threads.scopeSetId)));
  return Number(row?.n ?? 0);
}
