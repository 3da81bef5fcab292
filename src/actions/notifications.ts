/** Actions of the notification centre: mark read, and each member's choice of e-mail. */
import { defineAction, type ActionAPIContext } from 'astro:actions';
import { z } from 'astro/zod';
import { EMAIL_MODES } from '#src/domain/notifications.ts';
import { failWith } from '#src/lib/forms.ts';
import { markNotificationsRead } from '#src/server/notifications/center.ts';
import { setEmailMode } from '#src/server/notifications/settings.ts';

function signedIn(ctx: ActionAPIContext) {
  const user = ctx.locals.user;
  if (!user || !ctx.locals.session) failWith('signIn.needed', undefined, undefined, 'UNAUTHORIZED');
  return user;
}

export const notificationActions = {
  markNotificationsRead: defineAction({
    accept: 'form',
    input: z.object({ ids: z.array(z.number().int().positive()).max(200).default([]), all: z.enum(['true']).optional() }),
    handler: async (input, ctx) => {
      const who = signedIn(ctx);
      await markNotificationsRead(who, input.all ? 'all' : input.ids);
      return { done: input.all ? ('notifications.allRead' as const) : ('notifications.marked' as const) };
    },
  }),

  setEmailMode: defineAction({
    accept: 'form',
    input: z.object({ mode: z.enum(EMAIL_MODES, { error: 'validation.invalid' }) }),
    handler: async (input, ctx) => {
      const who = signedIn(ctx);
      await setEmailMode(who.id, input.mode);
      return { done: 'notifications.email.saved' as const };
    },
  }),
};
