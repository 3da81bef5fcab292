import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { importSeizures, readingNotice, validateImport, errorsToCsv, type ImportError } from '#src/server/seizures/import.ts';
import { reindexChangedSeizures } from '#src/server/search/index.ts';
import { failWith, run } from '#src/lib/forms.ts';
import { requireUser } from '#src/lib/signed-in.ts';
import { actorOf } from '#src/server/audit.ts';

export const MAX_IMPORT_MB = 25;

/** `notice`: how the file was read, when it was not UTF-8 (shown before anything is imported). */
type Outcome =
  | { kind: 'imported'; rows: number; inserted: number; updated: number; unchanged: number; notice: string | null }
  | { kind: 'checked'; rows: number; seizures: number; notice: string | null }
  | { kind: 'invalid'; rows: number; errors: ImportError[]; errorsCsv: string; notice: string | null };

export const seizureActions = {
  importSeizures: defineAction({
    accept: 'form',
    input: z.object({
      file: z.instanceof(File, { error: 'import.needFile' }),
      mode: z.enum(['import', 'check']).default('import'),
    }),
    handler: async (input, ctx): Promise<Outcome> => {
      const { user } = requireUser(ctx.locals);
      if (input.file.size === 0 || !input.file.name) failWith('import.needFile', 'file');
      if (input.file.size > MAX_IMPORT_MB * 1024 * 1024) failWith('import.tooLarge', 'file', { max: MAX_IMPORT_MB });
      const file = { fileName: input.file.name.slice(0, 200), content: new Uint8Array(await input.file.arrayBuffer()) };
      const lang = ctx.locals.lang;
      if (input.mode === 'check') {
        const parsed = await run(() => validateImport(file, {}, user));
        const notice = readingNotice(parsed.reading, lang);
        if (parsed.errors.length)
          return { kind: 'invalid', rows: parsed.rows, errors: parsed.errors, errorsCsv: errorsToCsv(parsed.errors, lang), notice };
        return { kind: 'checked', rows: parsed.rows, seizures: parsed.seizures.length, notice };
      }
      const actor = actorOf(user, ctx.locals.ip);
      const result = await run(() => importSeizures(file, { reader: user, actor }));
      const notice = readingNotice(result.reading, lang);
      if (!result.ok)
        return { kind: 'invalid', rows: result.rows, errors: result.errors, errorsCsv: errorsToCsv(result.errors, lang), notice };
      // A remote search engine learns of the committed changes here (the import reports them).
      await run(() => reindexChangedSeizures(result.changedSeizureIds));
      // Counts only: the ids written stay out of the response (a reader may not see every record).
      const { inserted, updated, unchanged } = result.summary;
      return { kind: 'imported', rows: result.rows, inserted, updated, unchanged, notice };
    },
  }),
};
