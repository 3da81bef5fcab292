/** Actions of the document exchange that carry no file: revoke or restore a share, delete, restore. */
import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { run } from '#src/lib/forms.ts';
import { requireActor } from '#src/lib/signed-in.ts';
import { deleteDocument, restoreDocument, setShareRevoked } from '#src/server/documents/service.ts';

const id = z.number({ error: 'validation.invalid' }).int().positive('validation.invalid');

export const documentActions = {
  documentRevoke: defineAction({
    accept: 'form',
    input: z.object({ id, revoked: z.enum(['true', 'false']) }),
    handler: async (input, ctx) => {
      const who = requireActor(ctx.locals);
      await run(() => setShareRevoked(who, input.id, input.revoked === 'true'));
      return { done: input.revoked === 'true' ? ('documents.done.revoked' as const) : ('documents.done.unrevoked' as const) };
    },
  }),

  documentDelete: defineAction({
    accept: 'form',
    input: z.object({ id }),
    handler: async (input, ctx) => {
      const who = requireActor(ctx.locals);
      await run(() => deleteDocument(who, input.id));
      return { redirect: `/${ctx.locals.lang}/documents/deleted?deleted=${input.id}` };
    },
  }),

  documentRestore: defineAction({
    accept: 'form',
    input: z.object({ id }),
    handler: async (input, ctx) => {
      const who = requireActor(ctx.locals);
      await run(() => restoreDocument(who, input.id));
      return { redirect: `/${ctx.locals.lang}/documents/${input.id}?restored=1` };
    },
  }),
};
