/** Actions of the information requests: validate form input, call src/server/requests. */
import { defineAction, type ActionAPIContext } from 'astro:actions';
import { z } from 'astro/zod';
import { HANDLING_CODES, REQUEST_PRIORITIES, REQUEST_TYPES } from '#src/domain/requests.ts';
import { failWith, run } from '#src/lib/forms.ts';
import { translate, isMessageKey } from '#src/i18n/index.ts';
import { DomainError } from '#src/server/errors.ts';
import { assignRequest, createRequest, replyToRequest, transitionRequest, type RequestActor } from '#src/server/requests/service.ts';
import { TRANSITIONS } from '#src/server/requests/status.ts';

const required = (max = 200) =>
  z.string({ error: 'validation.required' }).trim().min(1, 'validation.required').max(max, 'validation.too_long');
const optionalText = (max = 2000) => z.string().trim().max(max, 'validation.too_long').optional();
const id = z.number({ error: 'validation.invalid' }).int().positive('validation.invalid');
const cells = z.array(z.string().max(200, 'validation.too_long')).max(20, 'validation.invalid').default([]);

function actor(ctx: ActionAPIContext): RequestActor {
  const user = ctx.locals.user;
  if (!user || !ctx.locals.session) failWith('signIn.needed', undefined, undefined, 'UNAUTHORIZED');
  return { ...user, ip: ctx.locals.ip };
}

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
    input: z.object({
      addressed: z.array(z.string().max(20)).min(1, 'validation.required').max(20, 'validation.invalid'),
      type: z.enum(REQUEST_TYPES, { error: 'validation.required' }),
      subject: required(200),
      body: required(20_000),
      lang: z.enum(['es', 'en'], { error: 'validation.invalid' }),
      priority: z.enum(REQUEST_PRIORITIES, { error: 'validation.required' }),
      urgencyJustification: optionalText(),
      dueDate: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'validation.invalid')
        .optional(),
      handlingCode: z.enum(HANDLING_CODES, { error: 'validation.required' }),
      handlingNote: optionalText(),
      seizureId: id.optional(),
      seizureFirearm: z.array(z.number().int().min(0).max(10_000)).max(500).default([]),
      fwManufacturer: cells,
      fwModel: cells,
      fwCalibre: cells,
      fwSerial: cells,
      fwType: cells,
      fwCountry: cells,
      fwImporter: cells,
      fwObliterated: cells,
    }),
    handler: async (input, ctx) => {
      const who = actor(ctx);
      const firearms = input.fwManufacturer.map((manufacturer, i) => ({
        manufacturer,
        model: input.fwModel[i] ?? null,
        calibre: input.fwCalibre[i] ?? null,
        serial: input.fwSerial[i] ?? null,
        type: input.fwType[i] ?? null,
        countryOfOrigin: input.fwCountry[i] ?? null,
        importer: input.fwImporter[i] ?? null,
        obliteratedSerial: input.fwObliterated[i] === 'yes',
      }));
      const created = await runRequest(ctx, () =>
        createRequest(who, {
          addressed: input.addressed,
          type: input.type,
          subject: input.subject,
          body: input.body,
          lang: input.lang,
          priority: input.priority,
          urgencyJustification: input.urgencyJustification ?? null,
          dueDate: input.dueDate ?? null,
          handlingCode: input.handlingCode,
          handlingNote: input.handlingNote ?? null,
          seizureId: input.seizureId ?? null,
          seizureFirearms: input.seizureFirearm,
          firearms,
        }),
      );
      return { redirect: `/${ctx.locals.lang}/requests/${created.id}?created=1`, reference: created.reference };
    },
  }),

  requestTransition: defineAction({
    accept: 'form',
    input: z.object({ id, transition: z.enum(TRANSITIONS, { error: 'validation.invalid' }), text: optionalText(20_000) }),
    handler: async (input, ctx) => {
      const who = actor(ctx);
      await runRequest(ctx, () => transitionRequest(who, input.id, input.transition, { text: input.text ?? null }));
      return { done: `requests.done.${input.transition}` as const };
    },
  }),

  requestReply: defineAction({
    accept: 'form',
    input: z.object({ id, message: required(20_000), quoted: id.optional() }),
    handler: async (input, ctx) => {
      const who = actor(ctx);
      await runRequest(ctx, () => replyToRequest(who, input.id, input.message, input.quoted ?? null));
      return { done: 'requests.done.reply' as const };
    },
  }),

  requestAssign: defineAction({
    accept: 'form',
    input: z.object({ id, assignee: z.string().max(64).optional() }),
    handler: async (input, ctx) => {
      const who = actor(ctx);
      await runRequest(ctx, () => assignRequest(who, input.id, input.assignee || null));
      return { done: 'requests.done.assign' as const };
    },
  }),
};
