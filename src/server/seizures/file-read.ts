/**
 * Reading seizure files as agencies produce them: UTF-8 with or without BOM, or Windows-1252 (what
 * Excel on Windows writes; detected, never stored as replacement characters); comma, semicolon or
 * tab; rows numbered by their line in the file; JSON with nested firearms.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import {
  FIREARM_COLUMNS,
  FIREARM_SET,
  HEADERS,
  REQUIRED_COLUMNS,
  normalizeName,
  resolveColumn,
  type Column,
  type Located,
  type RawRow,
} from './columns.ts';
import { MAX_ERRORS, type ImportError } from './errors.ts';

export type FileEncoding = 'utf-8' | 'windows-1252';

/**
 * The file's text. Bytes that are not valid UTF-8 are read as Windows-1252, what Excel on
 * Windows saves: "Michoacán" then reads as written instead of "Michoac\uFFFDn".
 */
export function decodeFile(content: string | Uint8Array): { text: string; encoding: FileEncoding } {
  let text: string;
  let encoding: FileEncoding = 'utf-8';
  if (typeof content === 'string') text = content;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(content);
    } catch {
      text = new TextDecoder('windows-1252').decode(content);
      encoding = 'windows-1252';
    }
  }
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, encoding };
}

export function decode(content: string | Uint8Array): string {
  return decodeFile(content).text;
}

/**
 * The export puts an apostrophe before a cell that a spreadsheet would run as a formula
 * (=, +, -, @, tab, carriage return); reading the file back takes it off, so an export imports
 * unchanged.
 */
export function unneutralise(cell: string): string {
  return cell.length > 1 && cell.charCodeAt(0) === 39 && /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

/** Picks the delimiter that splits the header line into the most recognized columns. */
function detectDelimiter(firstLine: string): string {
  let best = ',';
  let bestScore = -1;
  for (const d of [',', ';', '\t']) {
    const cells = firstLine.split(d);
    const score = cells.filter((c) => resolveColumn(c.replace(/^"|"$/g, ''))).length * 100 + cells.length;
    if (score > bestScore) [best, bestScore] = [d, score];
  }
  return best;
}

/** Line breaks in a cell (most have none: no regex per cell). */
function lineBreaks(cell: string): number {
  let n = 0;
  for (let i = cell.indexOf('\n'); i >= 0; i = cell.indexOf('\n', i + 1)) n++;
  return n;
}

/** A CSV text's records, and the file line each record starts on. */
export interface CsvRecords {
  records: string[][];
  lines: number[];
}

/**
 * csv-parse's reading. Each record's line is the one it starts on: where it ends (info.lines)
 * less the line breaks inside its cells; blank lines and multi-line cells then leave the numbers
 * right. Throws csv-parse's error (with its line) on a malformed file.
 */
export function csvParseRecords(uniform: string, delimiter: string): CsvRecords {
  const parsed = parseCsv(uniform, { delimiter, relax_column_count: true, skip_empty_lines: true, bom: true, info: true }) as unknown as {
    record: string[];
    info: { lines: number };
  }[];
  const records = parsed.map((p) => p.record);
  const lines = parsed.map((p) => p.info.lines - p.record.reduce((n, cell) => n + lineBreaks(cell), 0));
  return { records, lines };
}

const QUOTE = 34;
const LINE_FEED = 10;

/**
 * The same reading as csvParseRecords for a well-formed file (every cell either unquoted with no
 * quote in it, or quoted with "" for a quote and ending at a delimiter or line end), in one walk
 * over the string; null for anything else (a stray or unterminated quote, text after a closing
 * quote, a line of blanks), which csv-parse then reads or refuses with its own message. csv-parse
 * cost ~0.5 s a 30,000-row file (it encodes the text to bytes and decodes every cell back): the
 * largest part of reading an import.
 */
export function wellFormedRecords(text: string, delimiter: string): CsvRecords | null {
  const d = delimiter.charCodeAt(0);
  const n = text.length;
  const records: string[][] = [];
  const lines: number[] = [];
  let line = 1;
  let i = 0;
  while (i < n) {
    // Blank lines are skipped (csv-parse's skip_empty_lines), and counted.
    if (text.charCodeAt(i) === LINE_FEED) {
      line++;
      i++;
      continue;
    }
    const record: string[] = [];
    const startLine = line;
    for (;;) {
      let cell: string;
      if (text.charCodeAt(i) === QUOTE) {
        cell = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) return null;
          for (let k = text.indexOf('\n', from); k >= 0 && k < q; k = text.indexOf('\n', k + 1)) line++;
          if (text.charCodeAt(q + 1) === QUOTE) {
            cell += text.slice(from, q + 1);
            from = q + 2;
          } else {
            cell += text.slice(from, q);
            i = q + 1;
            break;
          }
        }
        const next = text.charCodeAt(i);
        if (i < n && next !== d && next !== LINE_FEED) return null;
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === d || c === LINE_FEED) break;
          if (c === QUOTE) return null;
          j++;
        }
        cell = text.slice(i, j);
        i = j;
      }
      record.push(cell);
      if (i < n && text.charCodeAt(i) === d) {
        i++;
        continue;
      }
      // End of the record: a line break or the end of the text.
      if (i < n) {
        line++;
        i++;
      }
      break;
    }
    // A line of blanks: left to csv-parse's own reading.
    if (record.length === 1 && (record[0] as string).trim() === '') return null;
    records.push(record);
    lines.push(startLine);
  }
  return { records, lines };
}

export function parseCsvRows(content: string): { errors: ImportError[]; rows: Located[] } {
  const csv = decode(content);
  if (!csv.trim()) return { errors: [{ row: 0, column: null, code: 'import.error.empty_file', params: {} }], rows: [] };
  const firstLine = csv.slice(0, csv.search(/\r?\n|$/));
  const delimiter = detectDelimiter(firstLine);
  // Line breaks are made uniform first: csv-parse counts a CR LF inside a quoted cell as two lines.
  const uniform = csv.replace(/\r\n?/g, '\n');
  let read: CsvRecords;
  try {
    read = wellFormedRecords(uniform, delimiter) ?? csvParseRecords(uniform, delimiter);
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 0;
    return { errors: [{ row: line, column: null, code: 'import.error.bad_format', params: { detail: (e as Error).message } }], rows: [] };
  }
  const { records, lines } = read;
  const [header, ...data] = records;
  if (!header || data.length === 0) return { errors: [{ row: 0, column: null, code: 'import.error.empty_file', params: {} }], rows: [] };
  if (header.length === 1) {
    return {
      errors: [
        { row: 1, column: header[0] ?? null, code: 'import.error.single_column', params: { found: (header[0] ?? '').slice(0, 80) } },
      ],
      rows: [],
    };
  }
  const errors: ImportError[] = [];
  const columns: (Column | undefined)[] = [];
  const names = new Map<Column, string>();
  header.forEach((h, i) => {
    const col = resolveColumn(h);
    if (!col) {
      if (h.trim()) errors.push({ row: 1, column: h, code: 'import.error.unknown_column', params: { column: h } });
    } else if (names.has(col)) errors.push({ row: 1, column: h, code: 'import.error.duplicate_column', params: { column: h } });
    else names.set(col, h);
    columns[i] = col && names.get(col) === h ? col : undefined;
  });
  for (const col of REQUIRED_COLUMNS) {
    if (!names.has(col))
      errors.push({
        row: 1,
        column: null,
        code: 'import.error.missing_column',
        params: { column: HEADERS.en[col], alias: HEADERS.es[col] },
      });
  }
  if (errors.length) return { errors, rows: [] };
  const hasFirearmColumns = [...names.keys()].some((c) => FIREARM_SET.has(c));
  const columnName = (c: Column) => names.get(c) ?? c;
  const rows: Located[] = [];
  for (const [index, record] of data.entries()) {
    const rowNumber = lines[index + 1] ?? index + 2;
    if (record.length !== header.length) {
      errors.push({
        row: rowNumber,
        column: null,
        code: 'import.error.row_length',
        params: { expected: header.length, found: record.length },
      });
      if (errors.length >= MAX_ERRORS) break;
      continue;
    }
    const raw: RawRow = {};
    record.forEach((v, i) => {
      const col = columns[i];
      if (col) raw[col] = unneutralise(v);
    });
    const hasFirearm = hasFirearmColumns && FIREARM_COLUMNS.some((c) => (raw[c] ?? '').trim() !== '');
    rows.push({ row: rowNumber, columnName, raw, hasFirearm });
  }
  return { errors, rows };
}

export function parseJsonRows(content: string): { errors: ImportError[]; rows: Located[] } {
  let data: unknown;
  try {
    data = JSON.parse(decode(content));
  } catch (e) {
    return { errors: [{ row: 0, column: null, code: 'import.error.bad_format', params: { detail: (e as Error).message } }], rows: [] };
  }
  const list = Array.isArray(data) ? data : (data as { seizures?: unknown })?.seizures;
  if (!Array.isArray(list))
    return {
      errors: [{ row: 0, column: null, code: 'import.error.bad_format', params: { detail: 'expected an array of seizures' } }],
      rows: [],
    };
  if (list.length === 0) return { errors: [{ row: 0, column: null, code: 'import.error.empty_file', params: {} }], rows: [] };
  const errors: ImportError[] = [];
  const rows: Located[] = [];
  // JSON cells are scalars or arrays of scalars; anything else is read as its JSON text.
  const str = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (Array.isArray(v)) return v.join(' ');
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return JSON.stringify(v) ?? '';
  };
  list.forEach((item: unknown, index) => {
    const row = index + 1;
    if (typeof item !== 'object' || item === null) {
      errors.push({ row, column: null, code: 'import.error.bad_format', params: { detail: 'not an object' } });
      return;
    }
    const raw: RawRow = {};
    let firearmList: unknown[] = [];
    for (const [k, v] of Object.entries(item)) {
      const key = normalizeName(k);
      if (key === 'firearms' || key === 'armas') firearmList = Array.isArray(v) ? v : [];
      else if (key === 'ammunition' || key === 'municiones')
        raw.ammunition = Array.isArray(v)
          ? v
              .map((a: { calibre?: unknown; caliber?: unknown; rounds?: unknown }) => `${str(a.calibre ?? a.caliber)}:${str(a.rounds)}`)
              .join('|')
          : str(v);
      else if (key === 'magazines' || key === 'cargadores')
        raw.magazines = Array.isArray(v)
          ? v
              .map((m: { quantity?: unknown; capacity?: unknown }) =>
                m.capacity ? `${str(m.quantity)}x${str(m.capacity)}` : str(m.quantity),
              )
              .join('|')
          : str(v);
      else if (key === 'explosives' || key === 'explosivos')
        raw.explosives = Array.isArray(v)
          ? v.map((e: { description?: unknown; quantity?: unknown }) => `${str(e.description)}:${str(e.quantity)}`).join('|')
          : str(v);
      else {
        const col = resolveColumn(k);
        if (!col || FIREARM_SET.has(col)) errors.push({ row, column: k, code: 'import.error.unknown_column', params: { column: k } });
        else raw[col] = str(v);
      }
    }
    if (firearmList.length === 0) rows.push({ row, columnName: (c) => c, raw, hasFirearm: false });
    firearmList.forEach((f, fi) => {
      const line: RawRow = { ...raw };
      for (const [k, v] of Object.entries((f ?? {}) as Record<string, unknown>)) {
        const col = resolveColumn(k) ?? (normalizeName(k) === 'type' ? 'firearm_type' : undefined);
        if (!col || !FIREARM_SET.has(col))
          errors.push({ row, column: `firearms[${fi}].${k}`, code: 'import.error.unknown_column', params: { column: k } });
        else line[col] = typeof v === 'boolean' ? (v ? '1' : '0') : str(v);
      }
      rows.push({ row, columnName: (c) => (FIREARM_SET.has(c) ? `firearms[${fi}].${c}` : c), raw: line, hasFirearm: true });
    });
  });
  return { errors, rows };
}
