import { defineCollection } from 'astro:content';
import { glob, file } from 'astro/loaders';
import { bulletinSchema, glossaryEntrySchema, protocolSchema, trainingLessonSchema, trainingModuleSchema } from './content/schemas.ts';

// Ids are `<lang>/<slug>` (lessons: `<lang>/<module>/<NN>-<slug>`); the same slug in es/
// and en/ links a translation pair. `npm run check:content` checks links, attachments,
// superseded protocols and translation pairs, which these per-entry schemas cannot.
const bulletins = defineCollection({
  loader: glob({ base: './content/bulletins', pattern: '*/*.md' }),
  schema: bulletinSchema,
});

const protocols = defineCollection({
  loader: glob({ base: './content/protocols', pattern: '*/*.md' }),
  schema: protocolSchema,
});

const trainingModules = defineCollection({
  loader: glob({ base: './content/training', pattern: '*/*.md' }),
  schema: trainingModuleSchema,
});

const trainingLessons = defineCollection({
  loader: glob({ base: './content/training', pattern: '*/*/*.md' }),
  schema: trainingLessonSchema,
});

// One bilingual list; each entry's `id` is its key and its anchor on the glossary page.
const glossary = defineCollection({
  loader: file('./content/glossary/terms.yaml'),
  schema: glossaryEntrySchema,
});

export const collections = { bulletins, protocols, trainingModules, trainingLessons, glossary };
