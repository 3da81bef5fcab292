/** Actions of the discussion forum: validate form input, call src/server/threads, nothing else. */
import { defineAction, type ActionAPIContext } from 'astro:actions';
import { z } from 'astro/zod';
import { HANDLING_CODES } from '#src/domain/requests.ts';
import { CATEGORY_AUDIENCES, FOLLOW_LEVELS, THREAD_AUDIENCES } from '#src/domain/threads.ts';
import { forumPath } from '#src/i18n/forum-paths.ts';
import { failWith, run } from '#src/lib/forms.ts';
import { createCategory, moveCategory, setCategoryArchived, updateCategory } from '#src/server/threads/categories.ts';
import { markAllThreadsRead, setCategoryFollow, setThreadFollow } from '#src/server/threads/follows.ts';
import {
  dismissReports,
  moderatePost,
  moderateThread,
  moveThread,
  reportPost,
  THREAD_MODERATIONS,
} from '#src/server/threads/moderation.ts';
import { createThread, deletePost, editPost, replyToThread } from '#src/server/threads/posting.ts';
import { pageOfSeq, postLocation } from '#src/server/threads/reading.ts';
import type { ThreadActor } from '#src/server/threads/store.ts';

const id = z.coerce.number({ error: 'validation.invalid' }).int().positive('validation.invalid');
const text = (max: number) => z.string({ error: 'validation.required' }).max(max, 'validation.too_long');
const optional = (max: number) => z.string().max(max, 'validation.too_long').optional();
const lang = z.enum(['es', 'en'], { error: 'validation.invalid' });
// A ticked checkbox; absent when not ticked (Astro reads an absent optional field as undefined).
const checked = z.enum(['1', 'on', 'true'], { error: 'validation.invalid' }).optional();
// Limits a little above the server's own (which name the field and the limit in the message).
const BODY = 20_500;

function actor(ctx: ActionAPIContext): ThreadActor {
  const user = ctx.locals.user;
  if (!user || !ctx.locals.session) failWith('signIn.needed', undefined, undefined, 'UNAUTHORIZED');
  return { ...user, ip: ctx.locals.ip };
}

async function permalink(ctx: ActionAPIContext, who: ThreadActor, postId: number, threadId: number): Promise<string> {
  const where = await postLocation(who, postId);
  const page = where?.page ?? 1;
  return `${forumPath(ctx.locals.lang, 'thread', { id: threadId }, page > 1 ? `page=${page}` : undefined)}#post-${postId}`;
}

export const threadActions = {
  createThread: defineAction({
    accept: 'form',
    input: z.object({
      categoryId: id,
      title: text(400),
      postBody: text(BODY),
      lang,
      tags: optional(400),
      handlingCode: z.enum(HANDLING_CODES, { error: 'validation.required' }),
      handlingNote: optional(1000),
      audience: z.enum(THREAD_AUDIENCES, { error: 'validation.required' }),
      agencies: z.array(z.string().max(20)).max(40, 'validation.invalid').default([]),
      confirmMentions: checked,
    }),
    handler: async (input, ctx) => {
      const who = actor(ctx);
      const created = await run(() =>
        createThread(who, {
          categoryId: input.categoryId,
          title: input.title,
          body: input.postBody,
          lang: input.lang,
          tags: input.tags ?? '',
          handlingCode: input.handlingCode,
          handlingNote: input.handlingNote ?? null,
          audience: input.audience,
          agencies: input.agencies,
          confirmMentions: input.confirmMentions !== undefined,
        }),
      );
      return { redirect: `${forumPath(ctx.locals.lang, 'thread', { id: created.threadId }, 'created=1')}#post-${created.postId}` };
    },
  }),

  replyToThread: defineAction({
    accept: 'form',
    input: z.object({ threadId: id, postBody: text(BODY), lang, quoted: id.optional(), confirmMentions: checked }),
    handler: async (input, ctx) => {
      const who = actor(ctx);
      const posted = await run(() =>
        replyToThread(who, input.threadId, {
          body: input.postBody,
          lang: input.lang,
          quotedPostId: input.quoted ?? null,
          confirmMentions: input.confirmMentions !== undefined,
        }),
      );
      const page = pageOfSeq(posted.seq);
      return {
        redirect: `${forumPath(ctx.locals.lang, 'thread', { id: input.threadId }, page > 1 ? `page=${page}` : undefined)}#post-${posted.postId}`,
      };
    },
  }),

  editPost: defineAction({
    accept: 'form',
    input: z.object({ postId: id, postBody: text(BODY), title: optional(400), confirmMentions: checked }),
    handler: async (input, ctx) => {
      const who = actor(ctx);
      const edited = await run(() =>
        editPost(who, input.postId, {
          body: input.postBody,
          title: input.title ?? null,
          confirmMentions: input.confirmMentions !== undefined,
        }),
      );
      return { redirect: await permalink(ctx, who, input.postId, edited.threadId) };
    },
  }),

  deletePost: defineAction({
    accept: 'form',
    input: z.object({ postId: id }),
    handler: async (input, ctx) => {
      const who = actor(ctx);
      await run(() => deletePost(who, input.postId));
      return { done: 'threads.done.deleted' as const };
    },
  }),

  reportPost: defineAction({
    accept: 'form',
    input: z.object({ postId: id, reason: text(1000) }),
    handler: async (input, ctx) => {
      const who = actor(ctx);
      await run(() => reportPost(who, input.postId, input.reason));
      return { done: 'threads.done.reported' as const };
    },
  }),

  moderateThread: defineAction({
    accept: 'form',
    input: z.object({ threadId: id, action: z.enum(THREAD_MODERATIONS, { error: 'validation.invalid' }), reason: optional(1000) }),
    handler: async (input, ctx) => {
      const who = actor(ctx);
      await run(() => moderateThread(who, input.threadId, input.action, { reason: input.reason ?? null }));
      return { done: `threads.done.${input.action}` as const };
    },
  }),

  moderatePost: defineAction({
    accept: 'form',
    input: z.object({ postId: id, action: z.enum(['hide_post', 'restore_post'], { error: 'validation.invalid' }), reason: optional(1000) }),
    handler: async (input, ctx) => {
      const who = actor(ctx);
      await run(() => moderatePost(who, input.postId, input.action, { reason: input.reason ?? null }));
      return { done: `threads.done.${input.action}` as const };
    },
  }),

  dismissReports: defineAction({
    accept: 'form',
    input: z.object({ postId: id }),
    handler: async (input, ctx) => {
      const who = actor(ctx);
      await run(() => dismissReports(who, input.postId));
      return { done: 'threads.done.dismissed' as const };
    },
  }),

  moveThread: defineAction({
    accept: 'form',
    input: z.object({
      threadId: id,
      categoryId: id,
      audience: z.enum(['keep', 'category'], { error: 'validation.invalid' }).default('keep'),
      confirmWiden: checked,
      reason: optional(1000),
    }),
    handler: async (input, ctx) => {
      const who = actor(ctx);
      await run(() =>
        moveThread(who, input.threadId, input.categoryId, {
          audience: input.audience,
          confirmWiden: input.confirmWiden !== undefined,
          reason: input.reason ?? null,
        }),
      );
      return { redirect: forumPath(ctx.locals.lang, 'thread', { id: input.threadId }, 'moved=1') };
    },
  }),

  followThread: defineAction({
    accept: 'form',
    input: z.object({ threadId: id, level: z.enum(FOLLOW_LEVELS, { error: 'validation.invalid' }) }),
    handler: async (input, ctx) => {
      const who = actor(ctx);
      await run(() => setThreadFollow(who, input.threadId, input.level));
      return { done: `threads.follow.done.${input.level}` as const };
    },
  }),

  followCategory: defineAction({
    accept: 'form',
    input: z.object({ categoryId: id, level: z.enum(FOLLOW_LEVELS, { error: 'validation.invalid' }) }),
    handler: async (input, ctx) => {
      const who = actor(ctx);
      await run(() => setCategoryFollow(who, input.categoryId, input.level));
      return { done: `threads.follow.done.${input.level}` as const };
    },
  }),

  markAllThreadsRead: defineAction({
    accept: 'form',
    handler: async (_input, ctx) => {
      const who = actor(ctx);
      await markAllThreadsRead(who);
      return { done: 'threads.done.allRead' as const };
    },
  }),

  createCategory: defineAction({
    accept: 'form',
    input: z.object({
      slug: text(60),
      nameEs: text(200),
      nameEn: text(200),
      descriptionEs: text(600),
      descriptionEn: text(600),
      audience: z.enum(CATEGORY_AUDIENCES, { error: 'validation.required' }),
      codes: z.array(z.string().max(20)).max(40, 'validation.invalid').default([]),
    }),
    handler: async (input, ctx) => {
      const who = actor(ctx);
      await run(() => createCategory(who, input));
      return { done: 'threads.categories.created' as const };
    },
  }),

  updateCategory: defineAction({
    accept: 'form',
    input: z.object({ categoryId: id, nameEs: text(200), nameEn: text(200), descriptionEs: text(600), descriptionEn: text(600) }),
    handler: async (input, ctx) => {
      const who = actor(ctx);
      await run(() => updateCategory(who, input.categoryId, input));
      return { done: 'threads.categories.saved' as const };
    },
  }),

  moveCategory: defineAction({
    accept: 'form',
    input: z.object({ categoryId: id, direction: z.enum(['up', 'down'], { error: 'validation.invalid' }) }),
    handler: async (input, ctx) => {
      const who = actor(ctx);
      await run(() => moveCategory(who, input.categoryId, input.direction));
      return { done: 'threads.categories.reordered' as const };
    },
  }),

  archiveCategory: defineAction({
    accept: 'form',
    input: z.object({ categoryId: id, archived: z.enum(['true', 'false'], { error: 'validation.invalid' }) }),
    handler: async (input, ctx) => {
      const who = actor(ctx);
      const archived = input.archived === 'true';
      await run(() => setCategoryArchived(who, input.categoryId, archived));
      return { done: archived ? ('threads.categories.archivedNow' as const) : ('threads.categories.restoredNow' as const) };
    },
  }),
};
