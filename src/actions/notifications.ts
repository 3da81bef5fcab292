/** Actions of the notification centre: mark read, and each member's choice of e-mail. */
import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { EMAIL_MODES } from '#src/domain/notifications.ts';
import { requireUser } from '#src/lib/signed-in.ts';
import { markNotificationsRead } from '#src/server/notifications/center.ts';
import { setEmailMode } from '#src/server/notifications/settings.ts';

export const notificationActions = {
  markNotificationsRead: defineAction({
    accept: 'form',
    input: z.object({ ids: z.array(z.number().int().positive()).max(200).default([]), all: z.enum(['true']).optional() }),
    handler: async (input, ctx) => {
      const who = requireUser(ctx.locals).user;
      await markNotificationsRead(who, input.all ? 'all' : input.ids);
      return { done: input.all ? ('notifications.allRead' as const) : ('notifications.marked' as const) };
    },
  }),

  setEmailMode: defineAction({
    accept: 'form',
    input: z.object({ mode: z.enum(EMAIL_MODES, { error: 'validation.invalid' }) }),
    handler: async (input, ctx) => {
      const who = requireUser(ctx.locals).user;
      await setEmailMode(who.id, input.mode);
      return { done: 'notifications.email.saved' as const };
    },
  }),
};
