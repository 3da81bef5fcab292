/**
 * Seizure import: CSV (one row per firearm line, seizure columns repeated) or JSON (an array
 * of seizures with nested firearms). Every row is validated first; one bad row means nothing
 * is written and the whole error report comes back. Valid files are written in one
 * transaction (store.ts) and audited. The import reports the seizures it changed
 * (`changedSeizureIds`); keeping a remote search engine up to date is the caller's step.
 */
import { importBatches } from '#db/schema/index.ts';
import { requireRole, type Reader } from '#src/server/access.ts';
import { audit, requirePrivilege, type Actor } from '#src/server/audit.ts';
import { writeTransaction, runRaw } from '#src/server/sql.ts';
import { MAX_ERRORS, type ImportError } from './errors.ts';
import { decodeFile, parseCsvRows, parseJsonRows, type FileEncoding } from './file-read.ts';
import { indexChanged } from '#src/server/search/fts5-spelling.ts';
import { translate } from '#src/i18n/index.ts';
import { writeSeizures, type WriteSummary } from './store.ts';
import type { SeizureInput } from './types.ts';
import { loadReferenceLookup, validateRows, type ImportProgress } from './validation.ts';

export { IMPORT_ERROR_CODES, errorMessage, errorsToCsv, type ImportError, type ImportErrorCode } from './errors.ts';
export { CSV_COLUMNS, HEADERS, resolveColumn, type Column } from './columns.ts';
export { seizureToCsvRows, seizuresToCsv, templateCsv, toCsv } from './csv-write.ts';
export { parseDate, type ImportProgress } from './validation.ts';
export { parseCsvRows, parseJsonRows } from './file-read.ts';

// ---------------------------------------------------------------------------------------
// The import itself.

export interface ImportFile {
  fileName: string;
  content: string | Uint8Array;
  /** Guessed from the file name or content when absent. */
  format?: 'csv' | 'json';
}

export interface ImportOptions {
  onProgress?: ImportProgress;
  /** "Today" for the future-date check (tests); default now. */
  now?: Date;
}

/** Who imports: a signed-in editor (pages), or the operator at the command line (scripts). */
export type ImportBy = { reader: Reader; actor: Actor } | { system: true; actor: Actor };

/** How the file was read: Windows-1252 is told to the reader, with words to check. */
export interface FileReading {
  /** 'windows-1252' when the file was not UTF-8; null for UTF-8. */
  legacyEncoding: Exclude<FileEncoding, 'utf-8'> | null;
  /** A few values with accented letters, as read (to check before importing). */
  sample: string[];
}

export type ImportResult =
  | {
      ok: true;
      batchId: number;
      rows: number;
      seizures: number;
      summary: WriteSummary;
      /**
       * The seizures this import inserted or updated, committed and in the embedded index: what
       * a remote search engine must (re)index next (see reindexChangedSeizures).
       */
      changedSeizureIds: number[];
      reading: FileReading;
      ms: number;
    }
  | { ok: false; errors: ImportError[]; rows: number; reading: FileReading };

export interface ParsedImport {
  format: 'csv' | 'json';
  rows: number;
  errors: ImportError[];
  seizures: SeizureInput[];
  reading: FileReading;
}

/** The notice for a file read as Windows-1252 (null for UTF-8), in the reader's language. */
export function readingNotice(reading: FileReading, lang: 'es' | 'en'): string | null {
  if (!reading.legacyEncoding) return null;
  return reading.sample.length
    ? translate(lang, 'import.encoding.windows1252', { sample: reading.sample.map((w) => `«${w}»`).join(', ') })
    : translate(lang, 'import.encoding.windows1252.noSample');
}

function sampleAccented(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/[^\s,;"|:]*[^\x00-\x7f][^\s,;"|:]*/g)) {
    out.add(m[0].slice(0, 40));
    if (out.size >= 3) break;
  }
  return [...out];
}

/** Parses and validates without writing anything (the import page's "check" step). */
export async function validateImport(file: ImportFile, options: ImportOptions = {}, writer?: Reader): Promise<ParsedImport> {
  if (writer) requireRole(writer, 'editor');
  const { onProgress } = options;
  const { text, encoding } = decodeFile(file.content);
  const reading: FileReading =
    encoding === 'utf-8' ? { legacyEncoding: null, sample: [] } : { legacyEncoding: encoding, sample: sampleAccented(text) };
  const format = file.format ?? guessFormat(file.fileName, text);
  const parsed = format === 'json' ? parseJsonRows(text) : parseCsvRows(text);
  if (parsed.errors.length && parsed.rows.length === 0) return { format, rows: 0, errors: parsed.errors, seizures: [], reading };
  const ref = await loadReferenceLookup(options.now);
  const { errors, seizures } = validateRows(parsed.rows, ref, onProgress, writer);
  onProgress?.('validate', parsed.rows.length, parsed.rows.length);
  const all = [...parsed.errors, ...errors].sort((a, b) => a.row - b.row).slice(0, MAX_ERRORS + 1);
  return { format, rows: parsed.rows.length, errors: all, seizures: all.length ? [] : seizures, reading };
}

function guessFormat(fileName: string, text: string): 'csv' | 'json' {
  if (/\.json$/i.test(fileName)) return 'json';
  if (/\.(csv|txt|tsv)$/i.test(fileName)) return 'csv';
  const start = text.trimStart()[0];
  return start === '[' || start === '{' ? 'json' : 'csv';
}

export async function importSeizures(file: ImportFile, by: ImportBy, options: ImportOptions = {}): Promise<ImportResult> {
  const { onProgress } = options;
  if ('reader' in by)
    await requirePrivilege({ ...by.reader, email: by.actor.email, ip: by.actor.ip }, 'editor', {
      action: 'seizures.import',
      target: file.fileName,
    });
  const started = performance.now();
  const userId = 'reader' in by ? by.reader.id : (by.actor.userId ?? null);
  const parsed = await validateImport(file, options, 'reader' in by ? by.reader : undefined);
  if (parsed.errors.length) {
    const refused = [
      ...new Set(parsed.errors.filter((e) => e.code === 'import.error.agency_not_allowed').map((e) => String(e.params.value))),
    ];
    await audit(by.actor, {
      action: 'seizures.import',
      target: file.fileName,
      // Rows of another agency are a refused privileged write, not just a bad file.
      outcome: refused.length ? 'denied' : 'failed',
      detail: {
        rows: parsed.rows,
        errors: parsed.errors.length,
        firstError: parsed.errors[0]?.code,
        ...(refused.length ? { refusedAgencies: refused } : {}),
      },
    });
    return { ok: false, errors: parsed.errors, rows: parsed.rows, reading: parsed.reading };
  }
  const firearmRows = parsed.seizures.reduce((n, s) => n + s.firearms.length, 0);
  onProgress?.('write', 0, parsed.seizures.length);
  const { batchId, summary } = await writeTransaction(async (raw, tx) => {
    const [batch] = await tx
      .insert(importBatches)
      .values({
        fileName: file.fileName,
        format: parsed.format,
        rows: parsed.rows,
        seizuresInserted: 0,
        seizuresUpdated: 0,
        seizuresUnchanged: 0,
        createdBy: userId,
        createdAt: new Date(),
      })
      .returning({ id: importBatches.id });
    const id = batch?.id ?? null;
    const summary = await writeSeizures(raw, parsed.seizures, { userId, batchId: id });
    await runRaw(
      raw,
      'UPDATE import_batches SET seizures_inserted = ?, seizures_updated = ?, seizures_unchanged = ? WHERE id = ? RETURNING id',
      [summary.inserted, summary.updated, summary.unchanged, id],
    );
    await audit(
      by.actor,
      {
        action: 'seizures.import',
        target: `import_batch:${id}`,
        detail: {
          file: file.fileName,
          rows: parsed.rows,
          firearms: firearmRows,
          inserted: summary.inserted,
          updated: summary.updated,
          unchanged: summary.unchanged,
          agencies: [...new Set(parsed.seizures.map((s) => s.agencyCode))].sort(),
        },
      },
      tx,
    );
    return { batchId: id ?? 0, summary };
  });
  onProgress?.('write', parsed.seizures.length, parsed.seizures.length);
  indexChanged();
  return {
    ok: true,
    batchId,
    rows: parsed.rows,
    seizures: parsed.seizures.length,
    summary,
    changedSeizureIds: summary.changedIds,
    reading: parsed.reading,
    ms: performance.now() - started,
  };
}
