/**
 * Writing in the forum: new threads, replies, edits and the author's own deletions. Each is one
 * transaction (thread, post, tags, mentions, counters, search index, follows, notifications);
 * bad input changes nothing and names the field. Limits: a posting rate per member
 * (THREAD_POST_LIMIT posts per THREAD_POST_WINDOW_MINUTES), the same text twice within a minute
 * is refused, a locked thread or archived category takes no reply, and a mention of someone who
 * cannot see the thread is pointed out before posting (it would notify nobody).
 */
import { and, eq, gt, sql } from 'drizzle-orm';
import {
  threadMentions,
  threadPostRevisions,
  threadPosts,
  threads,
  threadTags,
  HANDLING_CODES,
  type HandlingCode,
} from '#db/schema/index.ts';
import type { ThreadAudience } from '#src/domain/threads.ts';
import { canChangePost, canSeeThread, scopeWithin, type ThreadAccessFacts } from '#src/server/access.ts';
import { actorOf, audit } from '#src/server/audit.ts';
import { config } from '#src/server/config.ts';
import { db, type Database, type Executor } from '#src/server/db.ts';
import { DomainError } from '#src/server/errors.ts';
import { recipientsByIds } from '#src/server/notifications/readers.ts';
import { scopeSetIdFor } from '#src/server/scopes.ts';
import { afterThreadPostsChanged } from '#src/server/search/threads.ts';
import { syncThreadIndex, syncThreadPostsIndex } from '#src/server/search/threads-fts5-index.ts';
import { writeTransaction, type RawExec } from '#src/server/sql.ts';
import { markThreadRead } from './follows.ts';
import { membersByHandle } from './handles.ts';
import { mentionedHandles, renderPost } from './markdown.ts';
import { autoFollow, notifyMentions, notifyPost } from './notify.ts';
import {
  agencyCountries,
  loadCategory,
  loadThread,
  postForWrite,
  refreshThreadCounters,
  threadForWrite,
  type ThreadActor,
} from './store.ts';

export const TITLE_MIN = 5;
export const TITLE_MAX = 200;
export const BODY_MAX = 20_000;
export const TAGS_MAX = 5;
export const TAG_MAX = 30;
/** The same text from the same member within this time is a duplicate. */
export const DUPLICATE_WINDOW_MS = 60_000;

export interface PostInput {
  body: string;
  lang: 'es' | 'en';
  /**
   * The author saw that some mentions name nobody who can see the thread and posts anyway.
   * Without it such a post is refused with the list of those mentions.
   */
  confirmMentions?: boolean;
  now?: Date;
}

export interface NewThreadInput extends PostInput {
  categoryId: number;
  title: string;
  tags: string | readonly string[];
  handlingCode: HandlingCode;
  handlingNote?: string | null;
  audience: ThreadAudience;
  /** Agency codes when the audience is a list of agencies (the author's own is always added). */
  agencies?: readonly string[];
}

export interface ReplyInput extends PostInput {
  quotedPostId?: number | null;
}

/** What a post's attachments inherit from its thread: who may read it and how to handle it. */
export interface AttachTarget {
  threadId: number;
  postId: number;
  scope: readonly string[];
  handlingCode: HandlingCode;
  handlingNote: string | null;
}

/**
 * Writes the attachments (documents, src/server/documents/attachments.ts) of a new post in the
 * post's own transaction, so a refused file or post leaves neither behind.
 */
export type PostAttachHook = (raw: RawExec, ex: Database, target: AttachTarget) => Promise<void>;

// ---------------------------------------------------------------------------------------------
// Checks

export function cleanTitle(raw: string): string {
  const title = raw
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!title) throw new DomainError('thread_field_required', 'title');
  if (title.length < TITLE_MIN) throw new DomainError('thread_title_short', 'title', { min: TITLE_MIN });
  if (title.length > TITLE_MAX) throw new DomainError('thread_field_too_long', 'title', { max: TITLE_MAX });
  return title;
}

export function cleanBody(raw: string): string {
  const body = raw
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .trim();
  if (!body) throw new DomainError('thread_field_required', 'postBody');
  if (body.length > BODY_MAX) throw new DomainError('thread_field_too_long', 'postBody', { max: BODY_MAX });
  return body;
}

export function cleanTags(raw: string | readonly string[]): string[] {
  const parts = (typeof raw === 'string' ? raw.split(/[\s,;]+/) : raw.flatMap((t) => t.split(/[\s,;]+/)))
    .map((t) => t.trim().replace(/^#/, '').toLowerCase())
    .filter(Boolean);
  const tags = [...new Set(parts)];
  if (tags.length > TAGS_MAX) throw new DomainError('thread_too_many_tags', 'tags', { max: TAGS_MAX });
  for (const tag of tags)
    if (!/^[\p{L}\p{N}][\p{L}\p{N}-]*$/u.test(tag) || tag.length > TAG_MAX)
      throw new DomainError('thread_tag_invalid', 'tags', { tag: tag.slice(0, 40), max: TAG_MAX });
  return tags;
}

/** Posting rate and duplicates, checked inside the writing transaction (writes are serialised). */
async function checkPace(ex: Executor, actor: ThreadActor, body: string, now: Date): Promise<void> {
  const windowStart = new Date(now.getTime() - config.threadPostWindowMs);
  const [recent] = await ex
    .select({ n: sql<number>`count(*)` })
    .from(threadPosts)
    .where(and(eq(threadPosts.authorId, actor.id), gt(threadPosts.createdAt, windowStart)));
  if (Number(recent?.n ?? 0) >= config.threadPostLimit)
    throw new DomainError('thread_rate_limited', undefined, {
      limit: config.threadPostLimit,
      minutes: Math.round(config.threadPostWindowMs / 60_000),
    });
  const [same] = await ex
    .select({ id: threadPosts.id })
    .from(threadPosts)
    .where(
      and(
        eq(threadPosts.authorId, actor.id),
        eq(threadPosts.body, body),
        gt(threadPosts.createdAt, new Date(now.getTime() - DUPLICATE_WINDOW_MS)),
      ),
    )
    .limit(1);
  if (same) throw new DomainError('thread_duplicate_post', 'postBody');
}

export interface MentionCheck {
  /** Members named who may see the thread (they are notified). */
  notified: string[];
  /** Handles that name nobody who may see the thread (unknown, or outside its scope). */
  unseen: string[];
  /** Handles that name members (the renderer marks them). */
  known: Set<string>;
}

/** Which mentions of a post reach someone who may see the thread. */
export async function checkMentions(body: string, thread: ThreadAccessFacts, ex: Executor = db()): Promise<MentionCheck> {
  const handles = mentionedHandles(body);
  if (!handles.length) return { notified: [], unseen: [], known: new Set() };
  const owners = await membersByHandle(handles, ex);
  const people = await recipientsByIds(
    [...owners.values()].map((o) => o.userId),
    ex,
  );
  const notified: string[] = [];
  const unseen: string[] = [];
  for (const handle of handles) {
    const owner = owners.get(handle);
    const person = owner ? people.get(owner.userId) : undefined;
    if (person && canSeeThread(person, thread)) notified.push(person.id);
    else unseen.push(handle);
  }
  return { notified, unseen, known: new Set(owners.keys()) };
}

function refuseUnseenMentions(check: MentionCheck, confirmed: boolean | undefined): void {
  if (check.unseen.length && !confirmed)
    throw new DomainError('thread_mentions_unseen', 'postBody', { handles: check.unseen.map((h) => `@${h}`).join(', ') });
}

/** The scope of a new thread: its category's, or narrower (the author's country, or named agencies). */
export async function threadScope(
  actor: ThreadActor,
  categoryScope: readonly string[],
  audience: ThreadAudience,
  agencyCodes: readonly string[] = [],
  ex: Executor = db(),
): Promise<string[]> {
  if (audience === 'category') return [...categoryScope];
  const countries = await agencyCountries(ex);
  let scope: string[];
  if (audience === 'country') scope = [`country:${actor.agencyCountry}`];
  else {
    const codes = [...new Set([...agencyCodes.map((c) => c.trim()).filter(Boolean), actor.agencyCode])];
    const unknown = codes.find((c) => !countries.has(c));
    if (unknown) throw new DomainError('thread_unknown_code', 'agencies', { code: unknown });
    if (codes.length < 2) throw new DomainError('thread_agencies_required', 'agencies');
    scope = codes.map((c) => `agency:${c}`);
  }
  if (!scopeWithin(scope, categoryScope, (code) => countries.get(code))) throw new DomainError('thread_scope_wider', 'audience');
  return scope;
}

async function writeMentions(ex: Executor, postId: number, userIds: readonly string[]): Promise<void> {
  if (!userIds.length) return;
  await ex
    .insert(threadMentions)
    .values([...new Set(userIds)].map((userId) => ({ postId, userId })))
    .onConflictDoNothing();
}

// ---------------------------------------------------------------------------------------------
// New thread

export async function createThread(
  actor: ThreadActor,
  input: NewThreadInput,
  attach?: PostAttachHook,
): Promise<{ threadId: number; postId: number }> {
  const now = input.now ?? new Date();
  const title = cleanTitle(input.title);
  const body = cleanBody(input.body);
  const tags = cleanTags(input.tags);
  if (!(HANDLING_CODES as readonly string[]).includes(input.handlingCode)) throw new DomainError('thread_field_required', 'handlingCode');
  const handlingNote = (input.handlingNote ?? '').trim() || null;
  if (input.handlingCode === 'H3' && !handlingNote) throw new DomainError('request_handling_note_required', 'handlingNote');
  if (handlingNote && handlingNote.length > 500) throw new DomainError('thread_field_too_long', 'handlingNote', { max: 500 });

  const done = await writeTransaction(async (raw, tx) => {
    const category = await loadCategory({ id: input.categoryId }, tx);
    if (!category || !canSeeThread(actor, { scope: category.scope, authorId: actor.id, hidden: false }))
      throw new DomainError('thread_category_not_found', 'categoryId');
    if (category.archived) throw new DomainError('thread_category_archived', 'categoryId');
    const scope = await threadScope(actor, category.scope, input.audience, input.agencies ?? [], tx);
    const facts = { scope, authorId: actor.id, hidden: false };
    const mentions = await checkMentions(body, facts, tx);
    refuseUnseenMentions(mentions, input.confirmMentions);
    await checkPace(tx, actor, body, now);
    const rendered = renderPost(body, mentions.known);
    const [thread] = await tx
      .insert(threads)
      .values({
        categoryId: category.id,
        title,
        lang: input.lang,
        handlingCode: input.handlingCode,
        handlingNote: input.handlingCode === 'H3' ? handlingNote : null,
        scopeSetId: await scopeSetIdFor(tx, scope),
        authorId: actor.id,
        authorAgencyCode: actor.agencyCode,
        tags: tags.join(' '),
        createdAt: now,
        lastSeq: 1,
        lastVisibleSeq: 1,
        postCount: 1,
        lastPostAt: now,
      })
      .returning({ id: threads.id });
    const threadId = thread!.id;
    const [post] = await tx
      .insert(threadPosts)
      .values({
        threadId,
        seq: 1,
        authorId: actor.id,
        authorAgencyCode: actor.agencyCode,
        lang: input.lang,
        body,
        bodyHtml: rendered.html,
        createdAt: now,
      })
      .returning({ id: threadPosts.id });
    const postId = post!.id;
    if (tags.length) await tx.insert(threadTags).values(tags.map((tag) => ({ threadId, tag })));
    if (attach)
      await attach(raw, tx, {
        threadId,
        postId,
        scope,
        handlingCode: input.handlingCode,
        handlingNote: input.handlingCode === 'H3' ? handlingNote : null,
      });
    await writeMentions(tx, postId, mentions.notified);
    await autoFollow(tx, threadId, actor.id);
    await markThreadRead(actor.id, threadId, 1, now, tx);
    await syncThreadPostsIndex(tx, [postId]);
    await audit(
      actorOf(actor, actor.ip),
      {
        action: 'threads.create',
        target: `thread:${threadId}`,
        detail: { category: category.slug, scope, handlingCode: input.handlingCode },
      },
      tx,
    );
    const created = (await loadThread(threadId, tx))!;
    const send = await notifyPost(tx, { thread: created, postId, actor, mentioned: mentions.notified, isNewThread: true, now });
    return { threadId, postId, send };
  });
  done.send();
  afterThreadPostsChanged([done.postId]);
  return { threadId: done.threadId, postId: done.postId };
}

// ---------------------------------------------------------------------------------------------
// Replies

export async function replyToThread(
  actor: ThreadActor,
  threadId: number,
  input: ReplyInput,
  attach?: PostAttachHook,
): Promise<{ postId: number; seq: number }> {
  const now = input.now ?? new Date();
  const body = cleanBody(input.body);
  const done = await writeTransaction(async (raw, tx) => {
    const thread = await threadForWrite(actor, threadId, tx);
    if (thread.hidden) throw new DomainError('thread_hidden');
    if (thread.locked) throw new DomainError('thread_locked');
    if (thread.category.archived) throw new DomainError('thread_category_archived');
    let quoted: number | null = null;
    if (input.quotedPostId) {
      const [q] = await tx
        .select({ id: threadPosts.id })
        .from(threadPosts)
        .where(
          and(
            eq(threadPosts.id, input.quotedPostId),
            eq(threadPosts.threadId, threadId),
            sql`${threadPosts.hiddenAt} IS NULL AND ${threadPosts.deletedAt} IS NULL`,
          ),
        );
      quoted = q?.id ?? null;
    }
    const mentions = await checkMentions(body, thread, tx);
    refuseUnseenMentions(mentions, input.confirmMentions);
    await checkPace(tx, actor, body, now);
    const rendered = renderPost(body, mentions.known);
    const seq = thread.lastSeq + 1;
    const [post] = await tx
      .insert(threadPosts)
      .values({
        threadId,
        seq,
        authorId: actor.id,
        authorAgencyCode: actor.agencyCode,
        lang: input.lang,
        body,
        bodyHtml: rendered.html,
        quotedPostId: quoted,
        createdAt: now,
      })
      .returning({ id: threadPosts.id });
    const postId = post!.id;
    await tx
      .update(threads)
      .set({ lastSeq: seq, lastVisibleSeq: seq, postCount: sql`${threads.postCount} + 1`, lastPostAt: now })
      .where(eq(threads.id, threadId));
    if (attach)
      await attach(raw, tx, {
        threadId,
        postId,
        scope: thread.scope,
        handlingCode: thread.handlingCode,
        handlingNote: thread.handlingNote,
      });
    await writeMentions(tx, postId, mentions.notified);
    await autoFollow(tx, threadId, actor.id);
    await markThreadRead(actor.id, threadId, seq, now, tx);
    await syncThreadPostsIndex(tx, [postId]);
    const send = await notifyPost(tx, { thread, postId, actor, mentioned: mentions.notified, isNewThread: false, now });
    return { postId, seq, send };
  });
  done.send();
  afterThreadPostsChanged([done.postId]);
  return { postId: done.postId, seq: done.seq };
}

// ---------------------------------------------------------------------------------------------
// The author's edits and deletions

export async function editPost(
  actor: ThreadActor,
  postId: number,
  input: { body: string; title?: string | null; confirmMentions?: boolean; now?: Date },
): Promise<{ threadId: number }> {
  const now = input.now ?? new Date();
  const body = cleanBody(input.body);
  const done = await db().transaction(async (tx) => {
    const { post, thread } = await postForWrite(actor, postId, tx);
    if (!canChangePost(actor, { authorId: post.authorId, deleted: post.deletedAt !== null, hidden: post.hiddenAt !== null })) {
      await audit(actorOf(actor, actor.ip), { action: 'threads.post.edit', target: `post:${postId}`, outcome: 'denied' }, tx);
      throw new DomainError('thread_not_yours');
    }
    const newTitle = post.seq === 1 && input.title !== undefined && input.title !== null ? cleanTitle(input.title) : thread.title;
    if (body === post.body && newTitle === thread.title) return { threadId: thread.id, send: () => {} };
    const mentions = await checkMentions(body, thread, tx);
    refuseUnseenMentions(mentions, input.confirmMentions);
    const before = await tx.select({ userId: threadMentions.userId }).from(threadMentions).where(eq(threadMentions.postId, postId));
    const already = new Set(before.map((m) => m.userId));
    await tx.insert(threadPostRevisions).values({
      postId,
      title: post.seq === 1 ? thread.title : null,
      body: post.body,
      writtenAt: post.editedAt ?? post.createdAt,
      replacedAt: now,
    });
    await tx
      .update(threadPosts)
      .set({ body, bodyHtml: renderPost(body, mentions.known).html, editedAt: now })
      .where(eq(threadPosts.id, postId));
    if (newTitle !== thread.title) await tx.update(threads).set({ title: newTitle }).where(eq(threads.id, thread.id));
    await writeMentions(tx, postId, mentions.notified);
    // A new title is on every post's document of the remote index.
    if (newTitle !== thread.title) await syncThreadIndex(tx, thread.id);
    else await syncThreadPostsIndex(tx, [postId]);
    const fresh = mentions.notified.filter((id) => !already.has(id));
    const send = await notifyMentions(tx, { thread: { ...thread, title: newTitle }, postId, actor, mentioned: fresh, now });
    return { threadId: thread.id, send };
  });
  done.send();
  afterThreadPostsChanged([postId]);
  return { threadId: done.threadId };
}

/** The author deletes their post: "post deleted" stays in its place; the text stays for moderators. */
export async function deletePost(actor: ThreadActor, postId: number, now: Date = new Date()): Promise<{ threadId: number }> {
  const threadId = await db().transaction(async (tx) => {
    const { post, thread } = await postForWrite(actor, postId, tx);
    if (!canChangePost(actor, { authorId: post.authorId, deleted: post.deletedAt !== null, hidden: post.hiddenAt !== null })) {
      await audit(actorOf(actor, actor.ip), { action: 'threads.post.delete', target: `post:${postId}`, outcome: 'denied' }, tx);
      throw new DomainError('thread_not_yours');
    }
    await tx.update(threadPosts).set({ deletedAt: now }).where(eq(threadPosts.id, postId));
    await refreshThreadCounters(tx, thread.id);
    await syncThreadPostsIndex(tx, [postId]);
    await audit(actorOf(actor, actor.ip), { action: 'threads.post.delete', target: `post:${postId}`, detail: { thread: thread.id } }, tx);
    return thread.id;
  });
  afterThreadPostsChanged([postId]);
  return { threadId };
}
