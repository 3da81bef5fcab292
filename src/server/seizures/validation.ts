/**
 * Row validation: every cell checked (zod), values normalised through the domain vocabulary
 * (states in every gazetteer spelling, firearm types in either language, calibres to their one
 * label), firearm lines grouped into seizures, and every disagreement reported by file line and
 * column.
 */
import { z } from 'zod';
import { FIREARM_TYPES, TRACE_STATUSES, type FirearmType, type TraceStatus } from '#db/schema/index.ts';
import { seedReferenceData } from '#db/seed/reference.ts';
import { canWriteSeizureOf, isScopeToken, type Reader, type ScopeToken } from '#src/server/access.ts';
import { rawClient } from '#src/server/db.ts';
import { allRows, col, writeTransaction } from '#src/server/sql.ts';
import { canonicalCalibre, countryTimeZone, firearmTypeOf, resolveCountry, resolvePlace } from '#src/server/text/index.ts';
import { es as messagesEs, en as messagesEn } from '#src/i18n/messages/seizures.ts';
import { dateTimeFormat } from '#src/i18n/locale.ts';
import { FIREARM_COLUMNS, SEIZURE_COLUMNS, normalizeName, type Column, type Located, type RawRow } from './columns.ts';
import { MAX_ERRORS, type ImportError, type ImportErrorCode } from './errors.ts';
import { naturalKey } from './store.ts';
import type { FirearmInput, SeizureInput } from './types.ts';

// ---------------------------------------------------------------------------------------
// Value vocabularies (keys, Spanish and English labels, common spellings).

function vocabulary<T extends string>(keys: readonly T[], extra: Record<string, T>): Map<string, T> {
  const map = new Map<string, T>();
  for (const k of keys) {
    map.set(normalizeName(k), k);
    map.set(normalizeName(messagesEs[`seizures.firearmType.${k}` as keyof typeof messagesEs] ?? ''), k);
    map.set(normalizeName(messagesEn[`seizures.firearmType.${k}` as keyof typeof messagesEn] ?? ''), k);
    map.set(normalizeName(messagesEs[`seizures.traceStatus.${k}` as keyof typeof messagesEs] ?? ''), k);
    map.set(normalizeName(messagesEn[`seizures.traceStatus.${k}` as keyof typeof messagesEn] ?? ''), k);
  }
  for (const [alias, key] of Object.entries(extra)) map.set(normalizeName(alias), key);
  map.delete('');
  return map;
}

const FIREARM_TYPE_WORDS = vocabulary<FirearmType>(FIREARM_TYPES, {
  pistola: 'pistol',
  handgun: 'pistol',
  revolver: 'revolver',
  fusil: 'rifle',
  rifle: 'rifle',
  carabina: 'rifle',
  'fusil de asalto': 'rifle',
  escopeta: 'shotgun',
  subametralladora: 'submachine_gun',
  smg: 'submachine_gun',
  'submachine gun': 'submachine_gun',
  ametralladora: 'machine_gun',
  'machine gun': 'machine_gun',
  lanzagranadas: 'grenade_launcher',
  'grenade launcher': 'grenade_launcher',
  otro: 'other',
  otra: 'other',
});
const TRACE_WORDS = vocabulary<TraceStatus>(TRACE_STATUSES, {
  'no solicitado': 'not_requested',
  solicitado: 'requested',
  'en tramite': 'requested',
  pending: 'requested',
  'rastreado a venta en eua': 'traced_us_retail',
  'us retail': 'traced_us_retail',
  'rastreado a otro pais': 'traced_other_country',
  'other country': 'traced_other_country',
  'no rastreable': 'untraceable',
  'sin rastreo posible': 'untraceable',
});
const TRUE_WORDS = new Set(['1', 'yes', 'y', 'true', 'si', 'x', 'verdadero']);
const FALSE_WORDS = new Set(['', '0', 'no', 'n', 'false', 'falso']);
// ---------------------------------------------------------------------------------------
// Reference data the validation needs (from the database: states, countries, agencies).

export interface ReferenceLookup {
  states: Map<string, { code: string; country: string }[]>;
  stateCodes: Map<string, string>;
  countries: Map<string, string>;
  agencies: Set<string>;
  /**
   * The spelling already in use for a manufacturer or calibre, keyed by field and lower case, so
   * "COLT" joins "Colt" instead of becoming a second facet value. Rows of the file add to it.
   */
  spellings: Map<string, string>;
  /** "Today" for the future-date check (in each seizing country's time zone). */
  now: Date;
}

const spellingKey = (field: 'manufacturer' | 'calibre', value: string) => `${field}\u0000${value.toLowerCase()}`;

/** The first spelling seen of a value (in the database, else earlier in the file) wins. */
function canonicalSpelling(ref: ReferenceLookup, field: 'manufacturer' | 'calibre', value: string | null): string | null {
  if (value === null) return null;
  const key = spellingKey(field, value);
  const known = ref.spellings.get(key);
  if (known !== undefined) return known;
  ref.spellings.set(key, value);
  return value;
}

export async function loadReferenceLookup(now = new Date()): Promise<ReferenceLookup> {
  const ex = rawClient();
  const [count] = await allRows(ex, { n: col.int }, 'SELECT count(*) AS n FROM states');
  // Reference data is seeded by the seed scripts; an import on a fresh database seeds it too.
  if (!count || count.n === 0) await writeTransaction((_raw, tx) => seedReferenceData(tx));
  const stateRows = await allRows(
    ex,
    { code: col.text, country: col.text, name_es: col.text, name_en: col.text },
    'SELECT code, country, name_es, name_en FROM states',
  );
  const countryRows = await allRows(
    ex,
    { code: col.text, name_es: col.text, name_en: col.text },
    'SELECT code, name_es, name_en FROM countries',
  );
  const agencyRows = await allRows(ex, { code: col.text }, 'SELECT code FROM agencies');
  const states = new Map<string, { code: string; country: string }[]>();
  const stateCodes = new Map<string, string>();
  for (const s of stateRows) {
    stateCodes.set(s.code.toUpperCase(), s.code);
    for (const name of new Set([normalizeName(s.name_es), normalizeName(s.name_en), normalizeName(s.code)])) {
      const list = states.get(name) ?? [];
      list.push({ code: s.code, country: s.country });
      states.set(name, list);
    }
  }
  const countries = new Map<string, string>();
  for (const c of countryRows) for (const n of [c.code, c.name_es, c.name_en]) countries.set(normalizeName(n), c.code);
  countries.set('eua', 'US');
  countries.set('usa', 'US');
  countries.set('mexico', 'MX');
  const spellingRows = await allRows(
    ex,
    { field: col.oneOf(['manufacturer', 'calibre'] as const), value: col.text },
    "SELECT field, value FROM facet_values WHERE field IN ('manufacturer', 'calibre') ORDER BY id",
  );
  const spellings = new Map<string, string>();
  for (const r of spellingRows) if (!spellings.has(spellingKey(r.field, r.value))) spellings.set(spellingKey(r.field, r.value), r.value);
  return { states, stateCodes, countries, agencies: new Set(agencyRows.map((a) => a.code)), spellings, now };
}

// ---------------------------------------------------------------------------------------
// Cell rules. Each rule is a plain function of the cell's text: the value, or the error to
// report. The zod row schemas below are made of these rules, and so is the fast path that
// validates the rows of a file (a zod object parse per row was ~15 % of an import): one
// definition of each rule, and when the fast path finds a mistake in a row, the zod schema
// reports that row's errors, so the report is the schema's, issue for issue.

/** A cell a rule refuses: the error to report (translated where it is shown). */
class CellError {
  readonly code: ImportErrorCode;
  readonly params: Record<string, string | number>;
  constructor(code: ImportErrorCode, params: Record<string, string | number> = {}) {
    this.code = code;
    this.params = params;
  }
}
type Rule<T> = (value: string | undefined) => T | CellError;
/** What each rule of a set gives for a cell it accepts. */
type RuleValues<R> = { [K in keyof R]: R[K] extends (value: string | undefined) => infer T ? Exclude<T, CellError> : never };

function textCell(v: string | undefined, max: number): string | null | CellError {
  const t = (v ?? '').trim();
  if (t.length > max) return new CellError('import.error.too_long', { max });
  // U+FFFD: text already damaged by a wrong conversion; storing it would hide the damage.
  if (t.includes('\uFFFD')) return new CellError('import.error.replacement_character', { value: t.slice(0, 60) });
  return t === '' ? null : t;
}
const text =
  (max: number): Rule<string | null> =>
  (v) =>
    textCell(v, max);
/** A rule applied to what another one accepted (a text cell that must also be known, ...). */
const then =
  <A, B>(first: Rule<A>, next: (value: A) => B | CellError): Rule<B> =>
  (v) => {
    const a = first(v);
    return a instanceof CellError ? a : next(a);
  };
const requiredText = (max: number): Rule<string> => then(text(max), (t) => (t === null ? new CellError('import.error.required') : t));

const intField =
  (min: number, max: number): Rule<number | null> =>
  (v) => {
    const t = (v ?? '').trim().replace(/[,\s]/g, '');
    if (t === '') return null;
    if (!/^\d+$/.test(t)) return new CellError('import.error.bad_number', { value: v ?? '' });
    const n = Number(t);
    if (n < min || n > max) return new CellError('import.error.bad_number', { value: v ?? '' });
    return n;
  };

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn(timeZone: string, now: Date): string {
  return dateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/**
 * todayIn once per time zone and file, not once per row (with a new Intl.DateTimeFormat per row
 * it was 27 s of a 32 s import of 60,000 rows; a shared formatter still formats every row).
 */
function todayByZone(now: Date): (timeZone: string) => string {
  const days = new Map<string, string>();
  return (timeZone) => {
    let day = days.get(timeZone);
    if (day === undefined) days.set(timeZone, (day = todayIn(timeZone, now)));
    return day;
  };
}

/** The column a seizure field comes from (for naming it in an error). */
const FIELD_COLUMN: Partial<Record<keyof SeizureInput, Column>> = {
  reference: 'reference',
  date: 'date',
  country: 'country',
  stateCode: 'state',
  municipality: 'municipality',
  place: 'place',
  agencyCode: 'agency',
  operation: 'operation',
  caseFile: 'case_file',
  summaryEs: 'summary_es',
  summaryEn: 'summary_en',
  scope: 'scope',
  ammunition: 'ammunition',
  magazines: 'magazines',
  explosives: 'explosives',
};

/**
 * ISO (2023-04-17, or a full ISO timestamp) or dd/mm/yyyy (also d-m-yyyy and d.m.yyyy). Dates
 * in the future are refused later, by their own message, in the seizing country's time zone.
 */
export function parseDate(value: string): string | null {
  const t = value.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+Z?)?$/.exec(t);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t))) [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  if (y < 1950) return null;
  return date.toISOString().slice(0, 10);
}

function listField<T>(parseItem: (item: string) => T | null): Rule<T[]> {
  return (v) => {
    const t = (v ?? '').trim();
    if (!t) return [] as T[];
    const out: T[] = [];
    for (const item of t
      .split('|')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const parsed = parseItem(item);
      if (parsed === null) return new CellError('import.error.bad_list', { value: item });
      out.push(parsed);
    }
    return out;
  };
}

/** "9mm:500|7.62x39:1200" */
function parseAmmo(item: string) {
  const m = /^(.+?)\s*[:=]\s*(\d+)$/.exec(item);
  return m && m[1] ? { calibre: m[1].trim(), rounds: Number(m[2]) } : null;
}
/** "12x30|4" (quantity, optional x capacity) */
function parseMagazine(item: string) {
  const m = /^(\d+)\s*(?:[x×]\s*(\d+))?$/i.exec(item);
  return m ? { quantity: Number(m[1]), capacity: m[2] ? Number(m[2]) : null } : null;
}
/** "granada de fragmentación:3" */
function parseExplosive(item: string) {
  const m = /^(.+?)\s*[:=]\s*(\d+)$/.exec(item);
  return m && m[1] ? { description: m[1].trim(), quantity: Number(m[2]) } : null;
}

/** The rules of the seizure columns (repeated on each firearm line of a seizure), in column order. */
function seizureRules(ref: ReferenceLookup) {
  const countryCodes = new Set(ref.countries.values());
  return {
    reference: requiredText(100),
    date: (v: string | undefined): string | CellError => {
      if (!v || !v.trim()) return new CellError('import.error.required');
      return parseDate(v) ?? new CellError('import.error.bad_date', { value: v });
    },
    country: then(text(60), (v) => {
      if (v === null) return null;
      return resolveCountry(v) ?? ref.countries.get(normalizeName(v)) ?? new CellError('import.error.unknown_country', { value: v });
    }),
    state: requiredText(80),
    municipality: text(200),
    place: text(500),
    agency: then(requiredText(40), (v) => {
      const code = v.toUpperCase();
      return ref.agencies.has(code) ? code : new CellError('import.error.unknown_agency', { value: v });
    }),
    operation: text(200),
    case_file: requiredText(100),
    summary_es: text(5000),
    summary_en: text(5000),
    scope: then(text(500), (v): ScopeToken[] | CellError => {
      const tokens = (v ?? 'members').split(/[\s,;|]+/).filter(Boolean);
      for (const t of tokens) {
        const [kind, rest] = t.split(':');
        const normalized = kind === 'country' || kind === 'agency' ? `${kind}:${(rest ?? '').toUpperCase()}` : t.toLowerCase();
        // Seizure records are never public: members-wide at most.
        const ok =
          isScopeToken(normalized) &&
          normalized !== 'public' &&
          (!normalized.startsWith('agency:') || ref.agencies.has(normalized.slice(7))) &&
          (!normalized.startsWith('country:') || countryCodes.has(normalized.slice(8)));
        if (!ok) return new CellError('import.error.bad_scope', { value: t });
      }
      return [
        ...new Set(tokens.map((t) => (t.includes(':') ? `${t.split(':')[0]}:${(t.split(':')[1] ?? '').toUpperCase()}` : t.toLowerCase()))),
      ].sort() as ScopeToken[];
    }),
    ammunition: listField(parseAmmo),
    magazines: listField(parseMagazine),
    explosives: listField(parseExplosive),
  } satisfies Record<(typeof SEIZURE_COLUMNS)[number], Rule<unknown>>;
}
type SeizureValues = RuleValues<ReturnType<typeof seizureRules>>;
/** A seizure needs a summary in at least one language. */
const hasSummary = (s: SeizureValues) => !(s.summary_es === null && s.summary_en === null);

/**
 * A rule over a small vocabulary, its answers kept per cell text: folding the same few words on
 * every row was a visible part of validating a file. Only accepted cells are kept (bounded).
 */
function remembered<T>(rule: Rule<T>): Rule<T> {
  const accepted = new Map<string, T>();
  return (v) => {
    if (v === undefined) return rule(v);
    const known = accepted.get(v);
    if (known !== undefined) return known;
    const r = rule(v);
    if (!(r instanceof CellError) && accepted.size < 10_000) accepted.set(v, r);
    return r;
  };
}

/** The rules of a firearm line, in column order. */
const FIREARM_RULES = {
  firearm_type: remembered((v): FirearmType | CellError => {
    const key = firearmTypeOf(v ?? '') ?? FIREARM_TYPE_WORDS.get(normalizeName(v ?? ''));
    return key ?? new CellError(v?.trim() ? 'import.error.unknown_firearm_type' : 'import.error.required', { value: v ?? '' });
  }),
  manufacturer: text(120),
  model: text(120),
  calibre: text(40),
  serial: text(80),
  obliterated_serial: remembered((v): boolean | CellError => {
    const t = normalizeName(v ?? '');
    if (TRUE_WORDS.has(t)) return true;
    if (FALSE_WORDS.has(t)) return false;
    return new CellError('import.error.bad_boolean', { value: v ?? '' });
  }),
  country_of_manufacture: text(60),
  importer: text(200),
  other_markings: text(500),
  quantity: then(intField(1, 100_000), (n) => n ?? 1),
  trace_status: remembered((v): TraceStatus | CellError => {
    if (!v || !v.trim()) return 'not_requested';
    return TRACE_WORDS.get(normalizeName(v)) ?? new CellError('import.error.unknown_trace_status', { value: v });
  }),
  trace_source_country: text(60),
  trace_source_state: text(80),
  time_to_crime_days: intField(0, 36_500),
} satisfies Record<(typeof FIREARM_COLUMNS)[number], Rule<unknown>>;
type FirearmValues = RuleValues<typeof FIREARM_RULES>;
/** A firearm line needs its serial, unless the serial is marked obliterated. */
const hasSerial = (f: FirearmValues) => Boolean(f.serial || f.obliterated_serial);

/** The fast path: every rule of the set over a row, or null at the first cell a rule refuses. */
function applyRules<R extends Record<string, Rule<unknown>>>(
  rules: R,
  columns: readonly (keyof R & Column)[],
  raw: RawRow,
): RuleValues<R> | null {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const v = (rules[c] as Rule<unknown>)(raw[c]);
    if (v instanceof CellError) return null;
    out[c] = v;
  }
  // Every column of the rule set was set just above by its own rule.
  return out as RuleValues<R>;
}

function issue(ctx: z.RefinementCtx, code: ImportErrorCode, params: Record<string, string | number> = {}): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message: code, params });
  return z.NEVER;
}
/** A rule as a zod cell: the schema that names every mistake of a row, cell by cell. */
function cell<T>(rule: Rule<T>) {
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      const r = rule(v);
      return r instanceof CellError ? issue(ctx, r.code, r.params) : r;
    });
}
function cells<R extends Record<string, Rule<unknown>>>(
  rules: R,
): { [K in keyof R]: ReturnType<typeof cell<Exclude<ReturnType<R[K]>, CellError>>> } {
  return Object.fromEntries(Object.entries(rules).map(([k, rule]) => [k, cell(rule)])) as {
    [K in keyof R]: ReturnType<typeof cell<Exclude<ReturnType<R[K]>, CellError>>>;
  };
}

function rowSchema(ref: ReferenceLookup) {
  const rules = seizureRules(ref);
  const seizure = z.object(cells(rules)).superRefine((s, ctx) => {
    if (!hasSummary(s)) ctx.addIssue({ code: 'custom', message: 'import.error.missing_summary', path: ['summary_es'], params: {} });
  });
  const firearm = z.object(cells(FIREARM_RULES)).superRefine((f, ctx) => {
    if (!hasSerial(f)) ctx.addIssue({ code: 'custom', message: 'import.error.missing_serial', path: ['serial'], params: {} });
  });
  return { seizureRules: rules, seizure, firearm };
}

type Checked<T> = { success: true; data: T } | { success: false; error: { issues: z.core.$ZodIssue[] } };

function sameSeizureCells(a: RawRow, b: RawRow): boolean {
  for (const c of SEIZURE_COLUMNS) if (a[c] !== b[c]) return false;
  return true;
}

/** Validates located rows and groups them into seizures; returns errors or the seizures. */
export type ImportProgress = (phase: 'validate' | 'write', done: number, total: number) => void;

export function validateRows(
  rows: readonly Located[],
  ref: ReferenceLookup,
  onProgress?: ImportProgress,
  /** The signed-in importer; rows of agencies they may not write are refused. Absent: the operator's command line. */
  writer?: Reader,
): { errors: ImportError[]; seizures: SeizureInput[] } {
  const schemas = rowSchema(ref);
  const today = todayByZone(ref.now);
  const errors: ImportError[] = [];
  const push = (e: ImportError) => {
    if (errors.length < MAX_ERRORS) errors.push(e);
  };
  const groups = new Map<string, { first: number; firstRaw: Located; rawKey: string; seizure: SeizureInput; lines: Map<string, number> }>();
  const order: SeizureInput[] = [];
  // A row the rules accept is taken from the fast path; a row with a mistake is checked again by
  // the zod schema, whose issues (every mistake of the row, in column order) are the report.
  const checkSeizure = (raw: RawRow): Checked<SeizureValues> => {
    const fast = applyRules(schemas.seizureRules, SEIZURE_COLUMNS, raw);
    if (fast && hasSummary(fast)) return { success: true, data: fast };
    return schemas.seizure.safeParse(raw);
  };
  const checkFirearm = (raw: RawRow): Checked<FirearmValues> => {
    const fast = applyRules(FIREARM_RULES, FIREARM_COLUMNS, raw);
    if (fast && hasSerial(fast)) return { success: true, data: fast };
    return schemas.firearm.safeParse(raw);
  };
  const toErrors = (r: Located, issues: z.core.$ZodIssue[], rowErrors: ImportError[]) => {
    for (const i of issues) {
      const col = String(i.path[0] ?? '') as Column;
      const params = (i as { params?: Record<string, string | number> }).params ?? {};
      rowErrors.push({ row: r.row, column: col ? r.columnName(col) : null, code: i.message as ImportErrorCode, params });
    }
  };
  // The seizure columns repeat on every firearm line: validate each distinct set once.
  const seizureCache = new Map<string, Checked<SeizureValues>>();
  let previous: { raw: RawRow; rawKey: string; s: Checked<SeizureValues> } | null = null;
  let done = 0;
  for (const r of rows) {
    if (errors.length >= MAX_ERRORS) break;
    if (onProgress && ++done % 10_000 === 0) onProgress('validate', done, rows.length);
    // A seizure's lines usually follow one another: the same cells as the line before need no key.
    let rawKey: string;
    let s: Checked<SeizureValues> | undefined;
    if (previous && sameSeizureCells(previous.raw, r.raw)) ({ rawKey, s } = previous);
    else {
      rawKey = SEIZURE_COLUMNS.map((c) => r.raw[c] ?? '').join('\u0001');
      s = seizureCache.get(rawKey);
      if (!s) {
        s = checkSeizure(r.raw);
        seizureCache.set(rawKey, s);
      }
      previous = { raw: r.raw, rawKey, s };
    }
    const rowErrors: ImportError[] = [];
    if (!s.success) toErrors(r, s.error.issues, rowErrors);
    let firearm: FirearmInput | null = null;
    if (r.hasFirearm) {
      const f = checkFirearm(r.raw);
      if (!f.success) toErrors(r, f.error.issues, rowErrors);
      else {
        const v = f.data;
        firearm = {
          type: v.firearm_type,
          manufacturer: canonicalSpelling(ref, 'manufacturer', v.manufacturer),
          model: v.model,
          calibre: v.calibre === null ? null : (canonicalCalibre(v.calibre) ?? canonicalSpelling(ref, 'calibre', v.calibre)),
          serial: v.serial,
          obliteratedSerial: v.obliterated_serial,
          countryOfManufacture: v.country_of_manufacture,
          importer: v.importer,
          otherMarkings: v.other_markings,
          quantity: v.quantity,
          traceStatus: v.trace_status,
          traceSourceCountry: v.trace_source_country,
          traceSourceState: v.trace_source_state,
          timeToCrimeDays: v.time_to_crime_days,
        };
      }
    }
    let seizure: SeizureInput | null = null;
    if (s.success) {
      const v = s.data;
      // State: a code (MX-TAM), or a name resolved within the country when one is given.
      let state: { code: string; country: string } | undefined;
      const byCode = ref.stateCodes.get(v.state.toUpperCase());
      if (byCode) state = { code: byCode, country: byCode.slice(0, 2) };
      else {
        // Every spelling of the gazetteer: official, former and common names, abbreviations.
        const place = resolvePlace(v.state, v.country) ?? (v.country ? resolvePlace(v.state) : null);
        if (place) state = { code: place.code, country: place.country };
      }
      if (!state)
        rowErrors.push({ row: r.row, column: r.columnName('state'), code: 'import.error.unknown_state', params: { value: v.state } });
      else if (v.country && state.country !== v.country)
        rowErrors.push({
          row: r.row,
          column: r.columnName('state'),
          code: 'import.error.state_country_mismatch',
          params: { value: v.state, country: v.country },
        });
      else if (writer && !canWriteSeizureOf(writer, v.agency))
        rowErrors.push({
          row: r.row,
          column: r.columnName('agency'),
          code: 'import.error.agency_not_allowed',
          params: { value: v.agency },
        });
      else if (v.date > today(countryTimeZone(state.country, state.code)))
        rowErrors.push({
          row: r.row,
          column: r.columnName('date'),
          code: 'import.error.future_date',
          params: { value: r.raw.date ?? v.date, today: today(countryTimeZone(state.country, state.code)) },
        });
      else
        seizure = {
          reference: v.reference,
          date: v.date,
          country: state.country,
          stateCode: state.code,
          municipality: v.municipality,
          place: v.place,
          agencyCode: v.agency,
          operation: v.operation,
          caseFile: v.case_file,
          summaryEs: v.summary_es,
          summaryEn: v.summary_en,
          scope: v.scope,
          firearms: [],
          ammunition: v.ammunition,
          magazines: v.magazines,
          explosives: v.explosives,
        };
    }
    if (rowErrors.length) {
      rowErrors.forEach(push);
      continue;
    }
    if (!seizure) continue;
    const key = naturalKey(seizure);
    let group = groups.get(key);
    if (!group) {
      group = { first: r.row, firstRaw: r, rawKey, seizure, lines: new Map() };
      groups.set(key, group);
      order.push(seizure);
    } else if (group.rawKey !== rawKey && JSON.stringify({ ...group.seizure, firearms: [] }) !== JSON.stringify(seizure)) {
      const a = group.seizure as unknown as Record<string, unknown>;
      const b = seizure as unknown as Record<string, unknown>;
      const field = Object.keys(b).find((k) => k !== 'firearms' && JSON.stringify(a[k]) !== JSON.stringify(b[k])) ?? 'reference';
      const column = FIELD_COLUMN[field as keyof SeizureInput] ?? 'reference';
      // Both rows and both values, and the column named in the reader's language when shown.
      push({
        row: r.row,
        column: r.columnName(column),
        code: 'import.error.inconsistent_seizure',
        params: {
          field: column,
          first: group.first,
          value: (r.raw[column] ?? '').slice(0, 80),
          firstValue: (group.firstRaw.raw[column] ?? '').slice(0, 80),
        },
      });
      continue;
    }
    if (firearm) {
      const lineKey = JSON.stringify(firearm);
      const dup = group.lines.get(lineKey);
      if (dup !== undefined) {
        push({ row: r.row, column: null, code: 'import.error.duplicate_row', params: { first: dup } });
        continue;
      }
      group.lines.set(lineKey, r.row);
      group.seizure.firearms.push(firearm);
    }
  }
  if (errors.length >= MAX_ERRORS) errors.push({ row: 0, column: null, code: 'import.error.too_many_errors', params: { max: MAX_ERRORS } });
  return { errors, seizures: errors.length ? [] : order };
}
