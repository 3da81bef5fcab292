/**
 * Frontmatter schemas for the curated material under content/.
 *
 * Pure zod, no Astro imports: src/content.config.ts hands them to Astro's content layer and
 * src/server/content/check.ts runs them from plain Node and vitest (where getCollection
 * does not work). `astro/zod` re-exports this same zod 4 package.
 */
import { z } from 'zod';
import { AGENCIES } from '#db/seed/agencies.ts';

export const LANGS = ['es', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** Topic tags. Add a tag here (and its labels in the UI dictionaries) before using it. */
export const TAGS = [
  'trace',
  'etrace',
  'seizure',
  'chain-of-custody',
  'evidence',
  'southern-border',
  'northern-border',
  'prosecution',
  'information-sharing',
  'marking',
  'obliterated-serial',
  'ammunition',
  'explosives',
  'legal-framework',
  'statistics',
  'conference',
  'gc-armas',
  'training',
  'straw-purchase',
  'smuggling',
  'ballistics',
  'forensics',
  'customs',
  'firearm-identification',
] as const;
export type Tag = (typeof TAGS)[number];

/** Handling markings, least to most restricted. */
export const MARKINGS = ['UNCLASSIFIED', 'SBU', 'LES'] as const;
export type Marking = (typeof MARKINGS)[number];

/** Agency codes come from the seeded agency list so the two never drift apart. */
export const AGENCY_CODES: readonly string[] = AGENCIES.map((a) => a.code);

/**
 * Same values as COUNTRIES in db/schema/agencies.ts. Repeated rather than imported so that
 * loading content does not pull in drizzle-orm; tests/unit/content.test.ts asserts equality.
 */
export const COUNTRIES = ['US', 'MX', 'GT', 'BZ', 'SV'] as const;
export type Country = (typeof COUNTRIES)[number];

export const AUDIENCE_KEYWORDS = ['public', 'members'] as const;

export const PROTOCOL_STATUSES = ['draft', 'in-force', 'superseded'] as const;
export type ProtocolStatus = (typeof PROTOCOL_STATUSES)[number];

export const TRAINING_LEVELS = ['basic', 'intermediate', 'advanced'] as const;
export type TrainingLevel = (typeof TRAINING_LEVELS)[number];

export const GLOSSARY_CATEGORIES = [
  'firearm',
  'part',
  'ammunition',
  'marking',
  'trace',
  'evidence',
  'legal',
  'trafficking',
  'institution',
] as const;
export type GlossaryCategory = (typeof GLOSSARY_CATEGORIES)[number];

/** File names and slugs: lowercase ASCII words joined by hyphens (they become URL parts). */
export const SLUG_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Lesson files are `<NN>-<slug>.md`; the URL drops the `NN-`. */
export const LESSON_FILE_RE = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/;

const text = z.string().trim().min(1, 'must not be empty');
// Astro's frontmatter parser (js-yaml) yields Date objects, the `yaml` package yields
// strings: accept both, but only calendar dates (a bare number such as 2024 is a typo).
const date = z.union(
  [z.date(), z.iso.date().transform((s) => new Date(`${s}T00:00:00Z`))],
  { error: 'must be a date (YYYY-MM-DD)' },
);

const tag = z.enum(TAGS, { error: (iss) => `unknown tag ${JSON.stringify(iss.input)}` });
const agencyCode = z
  .string()
  .refine((c) => AGENCY_CODES.includes(c), { error: (iss) => `unknown agency code ${JSON.stringify(iss.input)}` });
const marking = z.enum(MARKINGS, {
  error: (iss) => `unknown marking ${JSON.stringify(iss.input)} (expected ${MARKINGS.join(', ')})`,
});

const audienceMember = z
  .string()
  .refine((c) => AGENCY_CODES.includes(c) || (COUNTRIES as readonly string[]).includes(c), {
    error: (iss) => `unknown agency or country code ${JSON.stringify(iss.input)} in audience`,
  });

/** 'public' (anyone), 'members' (any signed-in user), or a list of agency and country codes. */
export const audienceSchema = z.union(
  [
    z.enum(AUDIENCE_KEYWORDS),
    z
      .array(audienceMember)
      .min(1, 'audience list must not be empty')
      .refine((list) => new Set(list).size === list.length, 'audience list has duplicates'),
  ],
  { error: 'audience must be "public", "members" or a list of agency / country codes' },
);
export type Audience = z.infer<typeof audienceSchema>;

export const attachmentSchema = z.strictObject({
  // Relative to content/; existence is checked by src/server/content/check.ts.
  file: z
    .string()
    .regex(/^attachments\/[A-Za-z0-9._/-]+$/, 'attachment file must be a path under attachments/')
    .refine((p) => !p.split('/').includes('..'), 'attachment path must not contain ".."'),
  title: text,
});
export type Attachment = z.infer<typeof attachmentSchema>;

const commonShape = {
  title: text,
  summary: text,
  published: date,
  updated: date.optional(),
  agency: agencyCode,
  tags: z
    .array(tag)
    .min(1, 'at least one tag is required')
    .refine((list) => new Set(list).size === list.length, 'tags have duplicates'),
  audience: audienceSchema,
  marking,
  attachments: z.array(attachmentSchema).optional(),
};

function updatedNotBeforePublished(v: { published: Date; updated?: Date | undefined }, ctx: z.RefinementCtx): void {
  if (v.updated && v.updated.getTime() < v.published.getTime()) {
    ctx.addIssue({ code: 'custom', path: ['updated'], message: 'updated is earlier than published' });
  }
}

export const bulletinSchema = z.strictObject(commonShape).superRefine(updatedNotBeforePublished);
export type Bulletin = z.infer<typeof bulletinSchema>;

export const meetingSchema = z
  .strictObject({ name: text, place: text, start: date, end: date })
  .refine((m) => m.end.getTime() >= m.start.getTime(), { message: 'meeting end is before its start', path: ['end'] });

export const protocolSchema = z
  .strictObject({
    ...commonShape,
    version: text,
    status: z.enum(PROTOCOL_STATUSES, {
      error: (iss) => `unknown status ${JSON.stringify(iss.input)} (expected ${PROTOCOL_STATUSES.join(', ')})`,
    }),
    supersededBy: z.string().regex(SLUG_RE, 'supersededBy must be a protocol slug').optional(),
    effective: date,
    meeting: meetingSchema,
  })
  .superRefine((v, ctx) => {
    updatedNotBeforePublished(v, ctx);
    // Whether the slug names a real protocol needs the whole collection: see check.ts.
    if (v.status === 'superseded' && !v.supersededBy) {
      ctx.addIssue({ code: 'custom', path: ['supersededBy'], message: 'supersededBy is required when status is superseded' });
    }
    if (v.status !== 'superseded' && v.supersededBy) {
      ctx.addIssue({ code: 'custom', path: ['supersededBy'], message: 'supersededBy is only allowed when status is superseded' });
    }
  });
export type Protocol = z.infer<typeof protocolSchema>;

export const trainingModuleSchema = z
  .strictObject({
    ...commonShape,
    level: z.enum(TRAINING_LEVELS, {
      error: (iss) => `unknown level ${JSON.stringify(iss.input)} (expected ${TRAINING_LEVELS.join(', ')})`,
    }),
    durationMinutes: z.int().positive(),
    objectives: z.array(text).min(1, 'at least one objective is required'),
  })
  .superRefine(updatedNotBeforePublished);
export type TrainingModule = z.infer<typeof trainingModuleSchema>;

export const trainingLessonSchema = z.strictObject({
  title: text,
  order: z.int().positive(),
  durationMinutes: z.int().positive(),
});
export type TrainingLesson = z.infer<typeof trainingLessonSchema>;

export const glossaryEntrySchema = z.strictObject({
  // Also the anchor of the term on /<lang>/glossary (e.g. /es/glossary#serial-number).
  id: z.string().regex(SLUG_RE, 'glossary id must be a lowercase slug'),
  es: text,
  en: text,
  definitionEs: text,
  definitionEn: text,
  // Other words for the same concept, used by search as synonyms across both languages (an editor
  // extends search by adding them here): "obliterated" finds "borrado".
  synonymsEs: z.array(text).optional(),
  synonymsEn: z.array(text).optional(),
  category: z.enum(GLOSSARY_CATEGORIES, {
    error: (iss) => `unknown glossary category ${JSON.stringify(iss.input)}`,
  }),
});
export type GlossaryEntry = z.infer<typeof glossaryEntrySchema>;

export const glossarySchema = z
  .array(glossaryEntrySchema)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((entry, i) => {
      if (seen.has(entry.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate glossary id "${entry.id}"` });
      seen.add(entry.id);
    });
  });
