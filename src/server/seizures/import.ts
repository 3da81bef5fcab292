/**
 * Seizure import: CSV (one row per firearm line, seizure columns repeated) or JSON (an array
 * of seizures with nested firearms). Every row is validated first; one bad row means nothing
 * is written and the whole error report comes back. Valid files are written in one
 * transaction (store.ts) and audited.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { FIREARM_TYPES, TRACE_STATUSES, importBatches, type FirearmType, type TraceStatus } from '#db/schema/index.ts';
import { seedReferenceData } from '#db/seed/reference.ts';
import { canWriteSeizureOf, requireRole, isScopeToken, type Reader, type ScopeToken } from '#src/server/access.ts';
import { audit, requirePrivilege, type Actor } from '#src/server/audit.ts';
import { rawClient } from '#src/server/db.ts';
import { allRaw, writeTransaction } from '#src/server/sql.ts';
import { searchEngine } from '#src/server/search/index.ts';
import { canonicalCalibre, firearmTypeOf, resolveCountry, resolvePlace } from '#src/server/text/index.ts';
import { naturalKey, writeSeizures, type WriteSummary } from './store.ts';
import type { FirearmInput, SeizureInput } from './types.ts';
import { es as messagesEs, en as messagesEn } from '#src/i18n/messages/seizures.ts';
import { translate } from '#src/i18n/index.ts';

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

const MAX_ERRORS = 1000;

// ---------------------------------------------------------------------------------------
// Columns: canonical names and the aliases accepted in Spanish or English headers.

export const SEIZURE_COLUMNS = [
  'reference',
  'date',
  'country',
  'state',
  'municipality',
  'place',
  'agency',
  'operation',
  'case_file',
  'summary_es',
  'summary_en',
  'scope',
  'ammunition',
  'magazines',
  'explosives',
] as const;
export const FIREARM_COLUMNS = [
  'firearm_type',
  'manufacturer',
  'model',
  'calibre',
  'serial',
  'obliterated_serial',
  'country_of_manufacture',
  'importer',
  'other_markings',
  'quantity',
  'trace_status',
  'trace_source_country',
  'trace_source_state',
  'time_to_crime_days',
] as const;
export type Column = (typeof SEIZURE_COLUMNS)[number] | (typeof FIREARM_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly Column[] = ['reference', 'date', 'state', 'agency', 'case_file'];

/** Template headers per language (also the first alias of each column). */
export const HEADERS: Record<'es' | 'en', Record<Column, string>> = {
  en: {
    reference: 'reference',
    date: 'date',
    country: 'country',
    state: 'state',
    municipality: 'municipality',
    place: 'place',
    agency: 'agency',
    operation: 'operation',
    case_file: 'case_file',
    summary_es: 'summary_es',
    summary_en: 'summary_en',
    scope: 'visibility',
    ammunition: 'ammunition',
    magazines: 'magazines',
    explosives: 'explosives',
    firearm_type: 'firearm_type',
    manufacturer: 'manufacturer',
    model: 'model',
    calibre: 'calibre',
    serial: 'serial',
    obliterated_serial: 'obliterated_serial',
    country_of_manufacture: 'country_of_manufacture',
    importer: 'importer',
    other_markings: 'other_markings',
    quantity: 'quantity',
    trace_status: 'trace_status',
    trace_source_country: 'trace_source_country',
    trace_source_state: 'trace_source_state',
    time_to_crime_days: 'time_to_crime_days',
  },
  es: {
    reference: 'referencia',
    date: 'fecha',
    country: 'pais',
    state: 'estado',
    municipality: 'municipio',
    place: 'lugar',
    agency: 'agencia',
    operation: 'operativo',
    case_file: 'expediente',
    summary_es: 'resumen_es',
    summary_en: 'resumen_en',
    scope: 'visibilidad',
    ammunition: 'municiones',
    magazines: 'cargadores',
    explosives: 'explosivos',
    firearm_type: 'tipo_arma',
    manufacturer: 'fabricante',
    model: 'modelo',
    calibre: 'calibre',
    serial: 'numero_serie',
    obliterated_serial: 'serie_borrada',
    country_of_manufacture: 'pais_fabricacion',
    importer: 'importador',
    other_markings: 'otras_marcas',
    quantity: 'cantidad',
    trace_status: 'estatus_rastreo',
    trace_source_country: 'pais_origen_rastreo',
    trace_source_state: 'estado_origen_rastreo',
    time_to_crime_days: 'dias_al_delito',
  },
};

const EXTRA_ALIASES: Partial<Record<Column, string[]>> = {
  reference: ['ref', 'folio', 'seizure_reference'],
  date: ['seizure_date', 'fecha_aseguramiento', 'fecha_de_aseguramiento'],
  country: ['país', 'country_code'],
  state: ['state_code', 'clave_estado', 'entidad', 'entidad_federativa', 'departamento', 'department', 'district', 'distrito'],
  municipality: ['city', 'ciudad', 'municipio_o_ciudad'],
  place: ['location', 'ubicacion', 'lugar_del_aseguramiento'],
  agency: ['agency_code', 'dependencia', 'seizing_agency', 'agencia_aseguradora'],
  operation: ['operacion', 'operation_name'],
  case_file: ['case_file_number', 'case_number', 'case', 'carpeta_de_investigacion', 'carpeta_investigacion', 'numero_expediente'],
  summary_es: ['resumen', 'resumen_espanol', 'spanish_summary'],
  summary_en: ['resumen_ingles', 'english_summary', 'summary'],
  scope: ['scope', 'visibility_scope', 'alcance'],
  ammunition: ['ammo', 'cartuchos', 'municion'],
  explosives: ['explosive'],
  firearm_type: ['type', 'weapon_type', 'tipo', 'tipo_de_arma'],
  manufacturer: ['make', 'marca'],
  calibre: ['caliber'],
  serial: ['serial_number', 'numero_de_serie', 'serie', 'matricula'],
  obliterated_serial: ['serial_obliterated', 'obliterated', 'matricula_borrada', 'serie_limada', 'numero_serie_borrado'],
  country_of_manufacture: ['pais_de_fabricacion', 'made_in'],
  importer: ['import_marks'],
  other_markings: ['markings', 'marcas'],
  quantity: ['qty', 'count'],
  trace_status: ['trace', 'rastreo', 'estado_rastreo', 'estatus_de_rastreo'],
  trace_source_country: ['pais_origen', 'source_country'],
  trace_source_state: ['estado_origen', 'source_state'],
  time_to_crime_days: ['time_to_crime', 'tiempo_al_delito', 'tiempo_al_delito_dias'],
};

/** Lower case, no accents, no punctuation: "Número de serie" -> "numerodeserie", "caseFile" -> "casefile". */
export function normalizeName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const ALIAS: Map<string, Column> = (() => {
  const map = new Map<string, Column>();
  for (const col of [...SEIZURE_COLUMNS, ...FIREARM_COLUMNS]) {
    for (const name of [col, HEADERS.en[col], HEADERS.es[col], ...(EXTRA_ALIASES[col] ?? [])]) map.set(normalizeName(name), col);
  }
  return map;
})();

export function resolveColumn(header: string): Column | undefined {
  return ALIAS.get(normalizeName(header));
}

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

export async function loadReferenceLookup(): Promise<ReferenceLookup> {
  const ex = rawClient();
  const [count] = await allRaw<{ n: number }>(ex, 'SELECT count(*) AS n FROM states');
  // Reference data is seeded by the seed scripts; an import on a fresh database seeds it too.
  if (!count || count.n === 0) await writeTransaction((_raw, tx) => seedReferenceData(tx));
  const stateRows = await allRaw<{ code: string; country: string; name_es: string; name_en: string }>(
    ex,
    'SELECT code, country, name_es, name_en FROM states',
  );
  const countryRows = await allRaw<{ code: string; name_es: string; name_en: string }>(ex, 'SELECT code, name_es, name_en FROM countries');
  const agencyRows = await allRaw<{ code: string }>(ex, 'SELECT code FROM agencies');
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
  const spellingRows = await allRaw<{ field: 'manufacturer' | 'calibre'; value: string }>(
    ex,
    "SELECT field, value FROM facet_values WHERE field IN ('manufacturer', 'calibre') ORDER BY id",
  );
  const spellings = new Map<string, string>();
  for (const r of spellingRows) if (!spellings.has(spellingKey(r.field, r.value))) spellings.set(spellingKey(r.field, r.value), r.value);
  return { states, stateCodes, countries, agencies: new Set(agencyRows.map((a) => a.code)), spellings };
}

// ---------------------------------------------------------------------------------------
// Row validation (zod). A raw row is a record of canonical column -> text.

type RawRow = Partial<Record<Column, string>>;

function issue(ctx: z.RefinementCtx, code: ImportErrorCode, params: Record<string, string | number> = {}): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message: code, params });
  return z.NEVER;
}

const text = (max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const t = (v ?? '').trim();
      if (t.length > max) return issue(ctx, 'import.error.too_long', { max });
      return t === '' ? null : t;
    });
const requiredText = (max: number) => text(max).transform((v, ctx) => (v === null ? issue(ctx, 'import.error.required') : v));

const intField = (min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const t = (v ?? '').trim().replace(/[,\s]/g, '');
      if (t === '') return null;
      if (!/^\d+$/.test(t)) return issue(ctx, 'import.error.bad_number', { value: v ?? '' });
      const n = Number(t);
      if (n < min || n > max) return issue(ctx, 'import.error.bad_number', { value: v ?? '' });
      return n;
    });

/** ISO (2023-04-17, or a full ISO timestamp) or dd/mm/yyyy (also d-m-yyyy and d.m.yyyy). */
export function parseDate(value: string): string | null {
  const t = value.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+Z?)?$/.exec(t);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t))) [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  if (y < 1950 || date.getTime() > Date.now() + 86_400_000) return null;
  return date.toISOString().slice(0, 10);
}

function listField<T>(parseItem: (item: string) => T | null) {
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      const t = (v ?? '').trim();
      if (!t) return [] as T[];
      const out: T[] = [];
      for (const item of t
        .split('|')
        .map((s) => s.trim())
        .filter(Boolean)) {
        const parsed = parseItem(item);
        if (parsed === null) return issue(ctx, 'import.error.bad_list', { value: item });
        out.push(parsed);
      }
      return out;
    });
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

function rowSchema(ref: ReferenceLookup) {
  const seizure = z
    .object({
      reference: requiredText(100),
      date: z
        .string()
        .optional()
        .transform((v, ctx) => {
          if (!v || !v.trim()) return issue(ctx, 'import.error.required');
          return parseDate(v) ?? issue(ctx, 'import.error.bad_date', { value: v });
        }),
      country: text(60).transform((v, ctx) => {
        if (v === null) return null;
        return resolveCountry(v) ?? ref.countries.get(normalizeName(v)) ?? issue(ctx, 'import.error.unknown_country', { value: v });
      }),
      state: requiredText(80),
      municipality: text(200),
      place: text(500),
      agency: requiredText(40).transform((v, ctx) => {
        const code = v.toUpperCase();
        return ref.agencies.has(code) ? code : issue(ctx, 'import.error.unknown_agency', { value: v });
      }),
      operation: text(200),
      case_file: requiredText(100),
      summary_es: text(5000),
      summary_en: text(5000),
      scope: text(500).transform((v, ctx) => {
        const tokens = (v ?? 'members').split(/[\s,;|]+/).filter(Boolean);
        for (const t of tokens) {
          const [kind, rest] = t.split(':');
          const normalized = kind === 'country' || kind === 'agency' ? `${kind}:${(rest ?? '').toUpperCase()}` : t.toLowerCase();
          // Seizure records are never public: members-wide at most.
          const ok =
            isScopeToken(normalized) &&
            normalized !== 'public' &&
            (!normalized.startsWith('agency:') || ref.agencies.has(normalized.slice(7))) &&
            (!normalized.startsWith('country:') || [...ref.countries.values()].includes(normalized.slice(8)));
          if (!ok) return issue(ctx, 'import.error.bad_scope', { value: t });
        }
        return [
          ...new Set(
            tokens.map((t) => (t.includes(':') ? `${t.split(':')[0]}:${(t.split(':')[1] ?? '').toUpperCase()}` : t.toLowerCase())),
          ),
        ].sort() as ScopeToken[];
      }),
      ammunition: listField(parseAmmo),
      magazines: listField(parseMagazine),
      explosives: listField(parseExplosive),
    })
    .superRefine((s, ctx) => {
      if (s.summary_es === null && s.summary_en === null)
        ctx.addIssue({ code: 'custom', message: 'import.error.missing_summary', path: ['summary_es'], params: {} });
    });

  const firearm = z
    .object({
      firearm_type: z
        .string()
        .optional()
        .transform((v, ctx) => {
          const key = firearmTypeOf(v ?? '') ?? FIREARM_TYPE_WORDS.get(normalizeName(v ?? ''));
          return key ?? issue(ctx, v?.trim() ? 'import.error.unknown_firearm_type' : 'import.error.required', { value: v ?? '' });
        }),
      manufacturer: text(120),
      model: text(120),
      calibre: text(40),
      serial: text(80),
      obliterated_serial: z
        .string()
        .optional()
        .transform((v, ctx) => {
          const t = normalizeName(v ?? '');
          if (TRUE_WORDS.has(t)) return true;
          if (FALSE_WORDS.has(t)) return false;
          return issue(ctx, 'import.error.bad_boolean', { value: v ?? '' });
        }),
      country_of_manufacture: text(60),
      importer: text(200),
      other_markings: text(500),
      quantity: intField(1, 100_000).transform((n) => n ?? 1),
      trace_status: z
        .string()
        .optional()
        .transform((v, ctx) => {
          if (!v || !v.trim()) return 'not_requested';
          return TRACE_WORDS.get(normalizeName(v)) ?? issue(ctx, 'import.error.unknown_trace_status', { value: v });
        }),
      trace_source_country: text(60),
      trace_source_state: text(80),
      time_to_crime_days: intField(0, 36_500),
    })
    .superRefine((f, ctx) => {
      if (!f.serial && !f.obliterated_serial)
        ctx.addIssue({ code: 'custom', message: 'import.error.missing_serial', path: ['serial'], params: {} });
    });
  return { seizure, firearm };
}

const FIREARM_SET = new Set<string>(FIREARM_COLUMNS);

interface Located {
  row: number;
  /** Maps a canonical column to the name to report (the header as written, or a JSON path). */
  columnName: (c: Column) => string;
  raw: RawRow;
  /** JSON: the seizure's firearm lines come nested; CSV: one firearm per row. */
  hasFirearm: boolean;
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
  const errors: ImportError[] = [];
  const push = (e: ImportError) => {
    if (errors.length < MAX_ERRORS) errors.push(e);
  };
  const groups = new Map<string, { first: number; rawKey: string; seizure: SeizureInput; lines: Map<string, number> }>();
  const order: SeizureInput[] = [];
  // The seizure columns repeat on every firearm line: validate each distinct set once.
  const seizureCache = new Map<string, ReturnType<typeof schemas.seizure.safeParse>>();
  let done = 0;
  for (const r of rows) {
    if (errors.length >= MAX_ERRORS) break;
    if (onProgress && ++done % 10_000 === 0) onProgress('validate', done, rows.length);
    const rawKey = SEIZURE_COLUMNS.map((c) => r.raw[c] ?? '').join('\u0001');
    let s = seizureCache.get(rawKey);
    if (!s) {
      s = schemas.seizure.safeParse(r.raw);
      seizureCache.set(rawKey, s);
    }
    const rowErrors: ImportError[] = [];
    const toErrors = (issues: z.core.$ZodIssue[]) => {
      for (const i of issues) {
        const col = String(i.path[0] ?? '') as Column;
        const params = (i as { params?: Record<string, string | number> }).params ?? {};
        rowErrors.push({ row: r.row, column: col ? r.columnName(col) : null, code: i.message as ImportErrorCode, params });
      }
    };
    if (!s.success) toErrors(s.error.issues);
    let firearm: FirearmInput | null = null;
    if (r.hasFirearm) {
      const f = schemas.firearm.safeParse(r.raw);
      if (!f.success) toErrors(f.error.issues);
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
      group = { first: r.row, rawKey, seizure, lines: new Map() };
      groups.set(key, group);
      order.push(seizure);
    } else if (group.rawKey !== rawKey && JSON.stringify({ ...group.seizure, firearms: [] }) !== JSON.stringify(seizure)) {
      const a = group.seizure as unknown as Record<string, unknown>;
      const b = seizure as unknown as Record<string, unknown>;
      const field = Object.keys(b).find((k) => k !== 'firearms' && JSON.stringify(a[k]) !== JSON.stringify(b[k])) ?? 'reference';
      push({ row: r.row, column: null, code: 'import.error.inconsistent_seizure', params: { first: group.first, field } });
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

// ---------------------------------------------------------------------------------------
// File parsing.

function decode(content: string | Uint8Array): string {
  const textContent = typeof content === 'string' ? content : new TextDecoder('utf-8').decode(content);
  return textContent.charCodeAt(0) === 0xfeff ? textContent.slice(1) : textContent;
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

export function parseCsvRows(content: string): { errors: ImportError[]; rows: Located[] } {
  const csv = decode(content);
  if (!csv.trim()) return { errors: [{ row: 0, column: null, code: 'import.error.empty_file', params: {} }], rows: [] };
  const firstLine = csv.slice(0, csv.search(/\r?\n|$/));
  const delimiter = detectDelimiter(firstLine);
  let records: string[][];
  try {
    // Without `columns`, csv-parse returns one array of cells per record.
    const parsed: unknown = parseCsv(csv, { delimiter, relax_column_count: true, skip_empty_lines: true, bom: true });
    records = parsed as string[][];
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 0;
    return { errors: [{ row: line, column: null, code: 'import.error.bad_format', params: { detail: (e as Error).message } }], rows: [] };
  }
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
  // csv-parse skips empty lines, so the spreadsheet row comes from its info, not the index.
  let rowNumber = 1;
  for (const record of data) {
    rowNumber++;
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
      if (col) raw[col] = v;
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

// ---------------------------------------------------------------------------------------
// The import itself.

export interface ImportFile {
  fileName: string;
  content: string | Uint8Array;
  /** Guessed from the file name or content when absent. */
  format?: 'csv' | 'json';
}

/** Who imports: a signed-in editor (pages), or the operator at the command line (scripts). */
export type ImportBy = { reader: Reader; actor: Actor } | { system: true; actor: Actor };

export type ImportResult =
  | { ok: true; batchId: number; rows: number; seizures: number; summary: WriteSummary; ms: number }
  | { ok: false; errors: ImportError[]; rows: number };

export interface ParsedImport {
  format: 'csv' | 'json';
  rows: number;
  errors: ImportError[];
  seizures: SeizureInput[];
}

/** Parses and validates without writing anything (the import page's "check" step). */
export async function validateImport(file: ImportFile, onProgress?: ImportProgress, writer?: Reader): Promise<ParsedImport> {
  if (writer) requireRole(writer, 'editor');
  const format = file.format ?? guessFormat(file);
  const parsed = format === 'json' ? parseJsonRows(decode(file.content)) : parseCsvRows(decode(file.content));
  if (parsed.errors.length && parsed.rows.length === 0) return { format, rows: 0, errors: parsed.errors, seizures: [] };
  const ref = await loadReferenceLookup();
  const { errors, seizures } = validateRows(parsed.rows, ref, onProgress, writer);
  onProgress?.('validate', parsed.rows.length, parsed.rows.length);
  const all = [...parsed.errors, ...errors].sort((a, b) => a.row - b.row).slice(0, MAX_ERRORS + 1);
  return { format, rows: parsed.rows.length, errors: all, seizures: all.length ? [] : seizures };
}

function guessFormat(file: ImportFile): 'csv' | 'json' {
  if (/\.json$/i.test(file.fileName)) return 'json';
  if (/\.(csv|txt|tsv)$/i.test(file.fileName)) return 'csv';
  const start = decode(file.content).trimStart()[0];
  return start === '[' || start === '{' ? 'json' : 'csv';
}

export async function importSeizures(file: ImportFile, by: ImportBy, onProgress?: ImportProgress): Promise<ImportResult> {
  if ('reader' in by)
    await requirePrivilege({ ...by.reader, email: by.actor.email, ip: by.actor.ip }, 'editor', {
      action: 'seizures.import',
      target: file.fileName,
    });
  const started = performance.now();
  const userId = 'reader' in by ? by.reader.id : (by.actor.userId ?? null);
  const parsed = await validateImport(file, onProgress, 'reader' in by ? by.reader : undefined);
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
    return { ok: false, errors: parsed.errors, rows: parsed.rows };
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
    await allRaw(
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
  // A remote engine (Meilisearch) is told after the commit; the embedded index already is.
  const engine = searchEngine();
  if (engine.name !== 'fts5' && summary.changedIds.length) await engine.index(summary.changedIds);
  return { ok: true, batchId, rows: parsed.rows, seizures: parsed.seizures.length, summary, ms: performance.now() - started };
}

// ---------------------------------------------------------------------------------------
// Templates and error reports.

function csvCell(value: string | number): string {
  const s = String(value);
  // A leading = + - @ would run as a formula in a spreadsheet (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",;\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: readonly (readonly (string | number | null)[])[]): string {
  return '\uFEFF' + rows.map((r) => r.map((v) => csvCell(v ?? '')).join(',')).join('\r\n') + '\r\n';
}

export const CSV_COLUMNS: readonly Column[] = [...SEIZURE_COLUMNS, ...FIREARM_COLUMNS];

/** One seizure as CSV rows in the import format (one per firearm line; one row when none). */
export function seizureToCsvRows(s: SeizureInput, lang: 'es' | 'en'): (string | number | null)[][] {
  const base: Partial<Record<Column, string | number | null>> = {
    reference: s.reference,
    date: s.date,
    country: s.country,
    state: s.stateCode,
    municipality: s.municipality,
    place: s.place,
    agency: s.agencyCode,
    operation: s.operation,
    case_file: s.caseFile,
    summary_es: s.summaryEs,
    summary_en: s.summaryEn,
    scope: s.scope.join(' '),
    ammunition: s.ammunition.map((a) => `${a.calibre}:${a.rounds}`).join('|'),
    magazines: s.magazines.map((m) => (m.capacity ? `${m.quantity}x${m.capacity}` : String(m.quantity))).join('|'),
    explosives: s.explosives.map((e) => `${e.description}:${e.quantity}`).join('|'),
  };
  const yes = lang === 'es' ? 'sí' : 'yes';
  const line = (f: FirearmInput | null) => {
    const v: Partial<Record<Column, string | number | null>> = f
      ? {
          ...base,
          firearm_type: f.type,
          manufacturer: f.manufacturer,
          model: f.model,
          calibre: f.calibre,
          serial: f.serial,
          obliterated_serial: f.obliteratedSerial ? yes : 'no',
          country_of_manufacture: f.countryOfManufacture,
          importer: f.importer,
          other_markings: f.otherMarkings,
          quantity: f.quantity,
          trace_status: f.traceStatus,
          trace_source_country: f.traceSourceCountry,
          trace_source_state: f.traceSourceState,
          time_to_crime_days: f.timeToCrimeDays,
        }
      : base;
    return CSV_COLUMNS.map((c) => v[c] ?? '');
  };
  return s.firearms.length ? s.firearms.map(line) : [line(null)];
}

/** Seizures as an importable CSV file with the language's headers. */
export function seizuresToCsv(list: Iterable<SeizureInput>, lang: 'es' | 'en'): string {
  const rows: (string | number | null)[][] = [CSV_COLUMNS.map((c) => HEADERS[lang][c])];
  for (const s of list) rows.push(...seizureToCsvRows(s, lang));
  return toCsv(rows);
}

const TEMPLATE_ROWS: Record<Column, string>[] = [
  {
    reference: 'ASEG-2024-0001',
    date: '17/04/2024',
    country: 'MX',
    state: 'MX-TAM',
    municipality: 'Reynosa',
    place: 'Carretera Reynosa–Monterrey km 12',
    agency: 'FGR',
    operation: 'Frontera Norte',
    case_file: 'FED/TAM/REY/0001234/2024',
    summary_es: 'Aseguramiento de dos fusiles en un vehículo en un punto de revisión.',
    summary_en: 'Two rifles seized from a vehicle at a checkpoint.',
    scope: 'members',
    ammunition: '7.62x39:600|5.56x45:300',
    magazines: '8x30',
    explosives: '',
    firearm_type: 'rifle',
    manufacturer: 'Cugir (Romarm)',
    model: 'WASR-10',
    calibre: '7.62x39',
    serial: '1974AB1234',
    obliterated_serial: 'no',
    country_of_manufacture: 'RO',
    importer: 'Century Arms, Georgia VT',
    other_markings: '',
    quantity: '1',
    trace_status: 'traced_us_retail',
    trace_source_country: 'US',
    trace_source_state: 'US-TX',
    time_to_crime_days: '412',
  },
  {
    reference: 'ASEG-2024-0001',
    date: '17/04/2024',
    country: 'MX',
    state: 'MX-TAM',
    municipality: 'Reynosa',
    place: 'Carretera Reynosa–Monterrey km 12',
    agency: 'FGR',
    operation: 'Frontera Norte',
    case_file: 'FED/TAM/REY/0001234/2024',
    summary_es: 'Aseguramiento de dos fusiles en un vehículo en un punto de revisión.',
    summary_en: 'Two rifles seized from a vehicle at a checkpoint.',
    scope: 'members',
    ammunition: '7.62x39:600|5.56x45:300',
    magazines: '8x30',
    explosives: '',
    firearm_type: 'rifle',
    manufacturer: 'Colt',
    model: 'AR-15',
    calibre: '5.56x45',
    serial: '',
    obliterated_serial: 'yes',
    country_of_manufacture: 'US',
    importer: '',
    other_markings: '',
    quantity: '1',
    trace_status: 'untraceable',
    trace_source_country: '',
    trace_source_state: '',
    time_to_crime_days: '',
  },
];

/** A CSV template with headers in the language and two example rows (one seizure, two firearms). */
export function templateCsv(lang: 'es' | 'en'): string {
  const cols = [...SEIZURE_COLUMNS, ...FIREARM_COLUMNS];
  const yesNo = lang === 'es' ? { yes: 'sí', no: 'no' } : { yes: 'yes', no: 'no' };
  return toCsv([
    cols.map((c) => HEADERS[lang][c]),
    ...TEMPLATE_ROWS.map((r) => cols.map((c) => (c === 'obliterated_serial' ? yesNo[r[c] as 'yes' | 'no'] : r[c]))),
  ]);
}

export function errorMessage(error: ImportError, lang: 'es' | 'en'): string {
  return translate(lang, error.code, error.params);
}

/** The error report as a CSV download (row, column, message) in the reader's language. */
export function errorsToCsv(errors: readonly ImportError[], lang: 'es' | 'en'): string {
  const dict = lang === 'es' ? messagesEs : messagesEn;
  return toCsv([
    [dict['import.errors.col.row'], dict['import.errors.col.column'], dict['import.errors.col.code'], dict['import.errors.col.message']],
    ...errors.map((e) => [e.row, e.column ?? '', e.code, errorMessage(e, lang)]),
  ]);
}
