/**
 * Import errors are data (a message key and its parameters), translated where they are shown:
 * the import page, the CSV report and the command line, each in its reader's language.
 */
import { translate } from '#src/i18n/index.ts';
import { es as messagesEs, en as messagesEn } from '#src/i18n/messages/seizures.ts';
import { HEADERS, type Column } from './columns.ts';
import { toCsv } from './csv-write.ts';
// ---------------------------------------------------------------------------------------
// Errors are data: a message key plus parameters, translated where they are shown.

export const IMPORT_ERROR_CODES = [
  'import.error.empty_file',
  'import.error.bad_format',
  'import.error.single_column',
  'import.error.missing_column',
  'import.error.unknown_column',
  'import.error.duplicate_column',
  'import.error.row_length',
  'import.error.required',
  'import.error.too_long',
  'import.error.bad_date',
  'import.error.unknown_state',
  'import.error.unknown_country',
  'import.error.state_country_mismatch',
  'import.error.unknown_agency',
  'import.error.unknown_firearm_type',
  'import.error.unknown_trace_status',
  'import.error.missing_serial',
  'import.error.bad_boolean',
  'import.error.bad_number',
  'import.error.bad_scope',
  'import.error.missing_summary',
  'import.error.bad_list',
  'import.error.duplicate_row',
  'import.error.inconsistent_seizure',
  'import.error.future_date',
  'import.error.replacement_character',
  'import.error.agency_not_allowed',
  'import.error.too_many_errors',
] as const;
export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[number];

export interface ImportError {
  /** Spreadsheet row number (the header is row 1) for CSV; 1-based seizure number for JSON. */
  row: number;
  /** Column name as written in the file (CSV) or a JSON path such as firearms[2].serial. */
  column: string | null;
  code: ImportErrorCode;
  params: Record<string, string | number>;
}

export const MAX_ERRORS = 1000;

export function errorMessage(error: ImportError, lang: 'es' | 'en'): string {
  const params = { ...error.params };
  // A column named in a message is named in the reader's language ("fecha", not "date").
  if (typeof params.field === 'string' && params.field in HEADERS[lang]) params.field = HEADERS[lang][params.field as Column];
  return translate(lang, error.code, params);
}

/** The error report as a CSV download (row, column, message) in the reader's language. */
export function errorsToCsv(errors: readonly ImportError[], lang: 'es' | 'en'): string {
  const dict = lang === 'es' ? messagesEs : messagesEn;
  return toCsv([
    [dict['import.errors.col.row'], dict['import.errors.col.column'], dict['import.errors.col.code'], dict['import.errors.col.message']],
    ...errors.map((e) => [e.row, e.column ?? '', e.code, errorMessage(e, lang)]),
  ]);
}
