/** Actions of the information requests: validate form input, call src/server/requests. */
import { defineAction, type ActionAPIContext } from 'astro:actions';
import { z } from 'astro/zod';
import { run } from '#src/lib/forms.ts';
import { requireActor } from '#src/lib/signed-in.ts';
import { newRequestSchema, toNewRequestInput } from '#src/lib/request-form.ts';
import { translate, isMessageKey } from '#src/i18n/index.ts';
import { DomainError } from '#src/server/errors.ts';
import { assignRequest, createRequest, replyToRequest, transitionRequest } from '#src/server/requests/service.ts';
import { TRANSITIONS } from '#src/server/requests/status.ts';

const required = (max = 200) =>
  z.string({ error: 'validation.required' }).trim().min(1, 'validation.required').max(max, 'validation.too_long');
const optionalText = (max = 2000) => z.string().trim().max(max, 'validation.too_long').optional();
const id = z.number({ error: 'validation.invalid' }).int().positive('validation.invalid');

/** Domain errors naming a status get the status in the reader's language. */
async function runRequest<T>(ctx: ActionAPIContext, work: () => Promise<T>): Promise<T> {
  return run(() =>
    work().catch((error: unknown) => {
      const from = error instanceof DomainError ? error.params?.from : undefined;
      if (error instanceof DomainError && typeof from === 'string') {
        const key = `requests.status.${from}`;
        throw new DomainError(error.code, error.field, {
          ...error.params,
          from: isMessageKey(key) ? translate(ctx.locals.lang, key) : from,
        });
      }
      throw error;
    }),
  );
}

export const requestActions = {
  createRequest: defineAction({
    accept: 'form',
    input: newRequestSchema,
    handler: async (input, ctx) => {
      const who = requireActor(ctx.locals);
      const created = await runRequest(ctx, () => createRequest(who, toNewRequestInput(input, ctx.locals.lang)));
      return { redirect: `/${ctx.locals.lang}/requests/${created.id}?created=1`, reference: created.reference };
    },
  }),

  requestTransition: defineAction({
    accept: 'form',
    input: z.object({ id, transition: z.enum(TRANSITIONS, { error: 'validation.invalid' }), text: optionalText(20_000) }),
    handler: async (input, ctx) => {
      const who = requireActor(ctx.locals);
      await runRequest(ctx, () => transitionRequest(who, input.id, input.transition, { text: input.text ?? null }));
      return { done: `requests.done.${input.transition}` as const };
    },
  }),

  requestReply: defineAction({
    accept: 'form',
    input: z.object({ id, message: required(20_000), quoted: id.optional() }),
    handler: async (input, ctx) => {
      const who = requireActor(ctx.locals);
      await runRequest(ctx, () => replyToRequest(who, input.id, input.message, input.quoted ?? null));
      return { done: 'requests.done.reply' as const };
    },
  }),

  requestAssign: defineAction({
    accept: 'form',
    input: z.object({ id, assignee: z.string().max(64).optional() }),
    handler: async (input, ctx) => {
      const who = requireActor(ctx.locals);
      await runRequest(ctx, () => assignRequest(who, input.id, input.assignee || null));
      return { done: 'requests.done.assign' as const };
    },
  }),
};
