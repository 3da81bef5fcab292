/**
 * The new-request form's fields, shared by the Action (plain form posts) and the page's own
 * multipart handler (posts with attachments, streamed: src/lib/uploads.ts).
 */
import { z } from 'astro/zod';
import { HANDLING_CODES, REQUEST_PRIORITIES, REQUEST_TYPES } from '#src/domain/requests.ts';
import { parseLocalDate, type Lang } from '#src/i18n/index.ts';
import { DomainError } from '#src/server/errors.ts';
import type { NewRequestInput } from '#src/server/requests/service.ts';

const required = (max = 200) =>
  z.string({ error: 'validation.required' }).trim().min(1, 'validation.required').max(max, 'validation.too_long');
const optionalText = (max = 2000) => z.string().trim().max(max, 'validation.too_long').optional();
const id = z.number({ error: 'validation.invalid' }).int().positive('validation.invalid');
const cells = z.array(z.string().max(200, 'validation.too_long')).max(20, 'validation.invalid').default([]);

export const newRequestSchema = z.object({
  addressed: z.array(z.string().max(20)).min(1, 'validation.required').max(20, 'validation.invalid'),
  type: z.enum(REQUEST_TYPES, { error: 'validation.required' }),
  subject: required(200),
  body: required(20_000),
  lang: z.enum(['es', 'en'], { error: 'validation.invalid' }),
  priority: z.enum(REQUEST_PRIORITIES, { error: 'validation.required' }),
  urgencyJustification: optionalText(),
  // Typed as the page's language writes dates (dd/mm/aaaa, mm/dd/yyyy) or YYYY-MM-DD: read by toNewRequestInput.
  dueDate: z.string().max(20, 'validation.too_long').optional(),
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
});
export type NewRequestForm = z.infer<typeof newRequestSchema>;

const ARRAYS = new Set([
  'addressed',
  'seizureFirearm',
  'fwManufacturer',
  'fwModel',
  'fwCalibre',
  'fwSerial',
  'fwType',
  'fwCountry',
  'fwImporter',
  'fwObliterated',
]);
const NUMBERS = new Set(['seizureId', 'seizureFirearm']);

/** Form fields (as the multipart intake collects them) -> the schema's input, the way Astro Actions read a form. */
export function fieldsToRequestForm(field: (name: string) => string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(newRequestSchema.shape)) {
    const values = field(key);
    const typed = NUMBERS.has(key) ? values.filter((v) => v !== '').map(Number) : values;
    if (ARRAYS.has(key)) out[key] = typed;
    else if (typed.length && typed[0] !== '') out[key] = typed[0];
  }
  return out;
}

/** The form's values as the service takes them; a due date that cannot be read in the page's language is a field error. */
export function toNewRequestInput(input: NewRequestForm, pageLang: Lang): NewRequestInput {
  const typedDueDate = input.dueDate?.trim();
  const dueDate = typedDueDate ? parseLocalDate(typedDueDate, pageLang) : null;
  if (typedDueDate && !dueDate) throw new DomainError('date_invalid', 'dueDate');
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
  return {
    addressed: input.addressed,
    type: input.type,
    subject: input.subject,
    body: input.body,
    lang: input.lang,
    priority: input.priority,
    urgencyJustification: input.urgencyJustification ?? null,
    dueDate,
    handlingCode: input.handlingCode,
    handlingNote: input.handlingNote ?? null,
    seizureId: input.seizureId ?? null,
    seizureFirearms: input.seizureFirearm,
    firearms,
  };
}
