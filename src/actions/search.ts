import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { failWith, run } from '#src/lib/forms.ts';
import { pushSearchBacklog } from '#src/server/search/status.ts';

export const searchActions = {
  /** Administration -> Search engine: push the outbox now instead of waiting for the retry. */
  pushSearchBacklog: defineAction({
    accept: 'form',
    input: z.object({}),
    handler: async (_input, ctx) => {
      const user = ctx.locals.user;
      if (!user) failWith('signIn.needed', undefined, undefined, 'UNAUTHORIZED');
      return run(() => pushSearchBacklog(user, ctx.locals.ip));
    },
  }),
};
