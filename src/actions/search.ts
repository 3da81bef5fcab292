import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { run } from '#src/lib/forms.ts';
import { requireUser } from '#src/lib/signed-in.ts';
import { pushSearchBacklog } from '#src/server/search/status.ts';

export const searchActions = {
  /** Administration -> Search engine: push the outbox now instead of waiting for the retry. */
  pushSearchBacklog: defineAction({
    accept: 'form',
    input: z.object({}),
    handler: async (_input, ctx) => {
      const { user } = requireUser(ctx.locals);
      return run(() => pushSearchBacklog(user, ctx.locals.ip));
    },
  }),
};
