/**
 * Reads over the visible result set that are not ranked search: dashboard aggregates, the
 * CSV export and the detail page. Each SQL statement carries the reader's access tokens
 * (through buildWhere or the scope condition below).
 */
import { readerTokens, seesEverything, visibilityKey, type Reader, type ScopeToken } from '#src/server/access.ts';
import { LruCache } from '#src/server/cache.ts';
import { dataVersion } from '#src/server/data-version.ts';
import { config } from '#src/server/config.ts';
import { audit, type Actor } from '#src/server/audit.ts';
import { rawClient } from '#src/server/db.ts';
import { CSV_COLUMNS, HEADERS, seizureToCsvRows, toCsv } from './import.ts';
import type { SeizureDetail } from './types.ts';
import type { FirearmType, TraceStatus } from '#db/schema/index.ts';
import { buildWhere } from '#src/server/search/filter.ts';
import { allRaw, type RawExec, type SqlValue } from '#src/server/sql.ts';
import { normalizeQuery, type SearchQuery } from '#src/server/search/types.ts';

export interface Dashboard {
  total: { seizures: number; firearms: number; obliterated: number };
  perMonth: { month: string; seizures: number; firearms: number }[];
  perState: { state: string; country: string; nameEs: string; nameEn: string; seizures: number; firearms: number }[];
  /** Firearm counts (sum of quantities). */
  byType: { type: FirearmType; firearms: number }[];
  byCalibre: { calibre: string; firearms: number }[];
  topManufacturers: { manufacturer: string; firearms: number }[];
  traceOutcomes: { status: TraceStatus; firearms: number }[];
  /** Median days from retail sale to recovery, over traced firearms; null when none. */
  medianTimeToCrimeDays: number | null;
}

const VISIBLE_IDS = (w: { from: string; clause: string }) => `SELECT d.seizure_id FROM ${w.from} WHERE ${w.clause}`;

// Dashboard figures per visibility and search, for the current seizure data version: the charts
// of a popular view (every member of an agency opening the dashboard) are computed once per import.
const dashboardCache = new LruCache<Promise<Dashboard>>(200);

/** The dashboard figures of the reader's visible result set; cached per visibility, search and data version. */
export async function dashboard(query: SearchQuery, reader: Reader | null, ex?: RawExec): Promise<Dashboard> {
  // A caller's own executor (a transaction, a test) reads live data.
  if (ex) return computeDashboard(query, reader, ex);
  const q = normalizeQuery(query);
  const version = await dataVersion('seizures');
  // The figures do not depend on language, page or sort.
  const key = JSON.stringify([config.databaseUrl, version, visibilityKey(reader), q.text, q.filters, q.dateFrom, q.dateTo]);
  return dashboardCache.getOrLoad(key, () => computeDashboard(query, reader, rawClient()));
}

async function computeDashboard(query: SearchQuery, reader: Reader | null, ex: RawExec): Promise<Dashboard> {
  const q = normalizeQuery(query);
  const w = await buildWhere(ex, q, reader);
  const p = w.params;
  const perMonth = await allRaw<{ month: string; seizures: number; firearms: number }>(
    ex,
    `SELECT substr(d.date, 1, 7) AS month, count(*) AS seizures, sum(d.firearm_count) AS firearms FROM ${w.from} WHERE ${w.clause} GROUP BY month ORDER BY month`,
    p,
  );
  const perState = await allRaw<{ state: string; country: string; nameEs: string; nameEn: string; seizures: number; firearms: number }>(
    ex,
    `SELECT d.state_code AS state, st.country, st.name_es AS nameEs, st.name_en AS nameEn, count(*) AS seizures, sum(d.firearm_count) AS firearms
     FROM ${w.from} JOIN states st ON st.code = d.state_code WHERE ${w.clause} GROUP BY d.state_code ORDER BY seizures DESC`,
    p,
  );
  // One pass over the firearms of the visible seizures, grouped four ways at once.
  const rows = await allRaw<{
    type: FirearmType;
    calibre: string | null;
    manufacturer: string | null;
    trace: TraceStatus;
    n: number;
    obliterated: number;
  }>(
    ex,
    `SELECT f.type, f.calibre, f.manufacturer, f.trace_status AS trace, sum(f.quantity) AS n, sum(CASE WHEN f.obliterated_serial THEN f.quantity ELSE 0 END) AS obliterated
     FROM firearms f WHERE f.seizure_id IN (${VISIBLE_IDS(w)}) GROUP BY 1, 2, 3, 4`,
    p,
  );
  const sum = <K extends string>(key: (r: (typeof rows)[number]) => K | null) => {
    const m = new Map<K, number>();
    for (const r of rows) {
      const k = key(r);
      if (k !== null) m.set(k, (m.get(k) ?? 0) + r.n);
    }
    return [...m].sort((a, b) => b[1] - a[1]);
  };
  const [ttc] = await allRaw<{ median: number | null }>(
    ex,
    `WITH t AS (SELECT f.time_to_crime_days AS v FROM firearms f WHERE f.time_to_crime_days IS NOT NULL AND f.seizure_id IN (${VISIBLE_IDS(w)})),
          o AS (SELECT v, row_number() OVER (ORDER BY v) AS i, count(*) OVER () AS c FROM t)
     SELECT avg(v) AS median FROM o WHERE i IN ((c + 1) / 2, (c + 2) / 2)`,
    p,
  );
  const seizures = perMonth.reduce((n, r) => n + r.seizures, 0);
  const firearms = rows.reduce((n, r) => n + r.n, 0);
  return {
    total: { seizures, firearms, obliterated: rows.reduce((n, r) => n + r.obliterated, 0) },
    perMonth,
    perState,
    byType: sum((r) => r.type).map(([type, n]) => ({ type, firearms: n })),
    byCalibre: sum((r) => r.calibre).map(([calibre, n]) => ({ calibre, firearms: n })),
    topManufacturers: sum((r) => r.manufacturer)
      .slice(0, 15)
      .map(([manufacturer, n]) => ({ manufacturer, firearms: n })),
    traceOutcomes: sum((r) => r.trace).map(([status, n]) => ({ status, firearms: n })),
    medianTimeToCrimeDays: ttc?.median ?? null,
  };
}

/** The SQL condition "seizure s is visible to the reader" with its parameters. */
function scopeCondition(reader: Reader | null, alias = 's'): { clause: string; params: SqlValue[] } {
  if (seesEverything(reader)) return { clause: '1', params: [] };
  const tokens = readerTokens(reader);
  return {
    clause: `${alias}.scope_set_id IN (SELECT scope_set_id FROM scope_set_tokens WHERE token IN (${tokens.map(() => '?').join(', ')}))`,
    params: tokens,
  };
}

interface SeizureRow {
  id: number;
  reference: string;
  date: string;
  country: string;
  state_code: string;
  municipality: string | null;
  place: string | null;
  agency_code: string;
  operation: string | null;
  case_file: string;
  summary_es: string | null;
  summary_en: string | null;
  tokens: string;
  firearm_count: number;
  import_batch_id: number | null;
  created_at: number;
  updated_at: number;
  name_es: string;
  name_en: string;
}
interface FirearmRow {
  seizure_id: number;
  type: FirearmType;
  manufacturer: string | null;
  model: string | null;
  calibre: string | null;
  serial: string | null;
  obliterated_serial: number;
  country_of_manufacture: string | null;
  importer: string | null;
  other_markings: string | null;
  quantity: number;
  trace_status: TraceStatus;
  trace_source_country: string | null;
  trace_source_state: string | null;
  time_to_crime_days: number | null;
}

const SEIZURE_SELECT = `SELECT s.id, s.reference, s.date, s.country, s.state_code, s.municipality, s.place, s.agency_code, s.operation, s.case_file,
  s.summary_es, s.summary_en, ss.tokens, s.firearm_count, s.import_batch_id, s.created_at, s.updated_at, st.name_es, st.name_en
  FROM seizures s JOIN scope_sets ss ON ss.id = s.scope_set_id JOIN states st ON st.code = s.state_code`;

async function loadDetails(ex: RawExec, rows: SeizureRow[]): Promise<SeizureDetail[]> {
  if (!rows.length) return [];
  const ids = JSON.stringify(rows.map((r) => r.id));
  const inIds = 'seizure_id IN (SELECT value FROM json_each(?))';
  const firearms = await allRaw<FirearmRow>(ex, `SELECT * FROM firearms WHERE ${inIds} ORDER BY id`, [ids]);
  const ammo = await allRaw<{ seizure_id: number; calibre: string; rounds: number }>(
    ex,
    `SELECT seizure_id, calibre, rounds FROM ammunition WHERE ${inIds} ORDER BY id`,
    [ids],
  );
  const mags = await allRaw<{ seizure_id: number; quantity: number; capacity: number | null }>(
    ex,
    `SELECT seizure_id, quantity, capacity FROM magazines WHERE ${inIds} ORDER BY id`,
    [ids],
  );
  const expl = await allRaw<{ seizure_id: number; description: string; quantity: number }>(
    ex,
    `SELECT seizure_id, description, quantity FROM explosives WHERE ${inIds} ORDER BY id`,
    [ids],
  );
  const group = <T extends { seizure_id: number }>(list: T[]) => {
    const m = new Map<number, T[]>();
    for (const x of list) m.set(x.seizure_id, [...(m.get(x.seizure_id) ?? []), x]);
    return m;
  };
  const [gf, ga, gm, ge] = [group(firearms), group(ammo), group(mags), group(expl)];
  return rows.map((r) => ({
    id: r.id,
    reference: r.reference,
    date: r.date,
    country: r.country,
    stateCode: r.state_code,
    stateNameEs: r.name_es,
    stateNameEn: r.name_en,
    municipality: r.municipality,
    place: r.place,
    agencyCode: r.agency_code,
    operation: r.operation,
    caseFile: r.case_file,
    summaryEs: r.summary_es,
    summaryEn: r.summary_en,
    scope: r.tokens.split(' ') as ScopeToken[],
    firearmCount: r.firearm_count,
    importBatchId: r.import_batch_id,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    firearms: (gf.get(r.id) ?? []).map((f) => ({
      type: f.type,
      manufacturer: f.manufacturer,
      model: f.model,
      calibre: f.calibre,
      serial: f.serial,
      obliteratedSerial: !!f.obliterated_serial,
      countryOfManufacture: f.country_of_manufacture,
      importer: f.importer,
      otherMarkings: f.other_markings,
      quantity: f.quantity,
      traceStatus: f.trace_status,
      traceSourceCountry: f.trace_source_country,
      traceSourceState: f.trace_source_state,
      timeToCrimeDays: f.time_to_crime_days,
    })),
    ammunition: (ga.get(r.id) ?? []).map((a) => ({ calibre: a.calibre, rounds: a.rounds })),
    magazines: (gm.get(r.id) ?? []).map((m) => ({ quantity: m.quantity, capacity: m.capacity })),
    explosives: (ge.get(r.id) ?? []).map((e) => ({ description: e.description, quantity: e.quantity })),
  }));
}

/** The seizure, or null when it does not exist or the reader may not see it (the page answers 404). */
export async function getSeizure(id: number, reader: Reader | null, ex: RawExec = rawClient()): Promise<SeizureDetail | null> {
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const scope = scopeCondition(reader);
  const rows = await allRaw<SeizureRow>(ex, `${SEIZURE_SELECT} WHERE s.id = ? AND ${scope.clause}`, [id, ...scope.params]);
  const [detail] = await loadDetails(ex, rows);
  return detail ?? null;
}

/**
 * The whole visible result set as CSV (one row per firearm line, the import format and
 * headers of the language, so an export can be imported again), in chunks. Audited here.
 */
export async function* exportCsv(
  query: SearchQuery,
  reader: Reader | null,
  lang: 'es' | 'en',
  actor: Actor = {},
  ex: RawExec = rawClient(),
): AsyncGenerator<string, void> {
  const q = normalizeQuery(query);
  const w = await buildWhere(ex, q, reader);
  const order = q.sort === 'date_asc' ? 'd.date ASC, d.seizure_id ASC' : 'd.date DESC, d.seizure_id DESC';
  const ids = (
    await allRaw<{ id: number }>(ex, `SELECT d.seizure_id AS id FROM ${w.from} WHERE ${w.clause} ORDER BY ${order}`, w.params)
  ).map((r) => r.id);
  await audit(actor, { action: 'seizures.export', target: 'seizures', detail: { query: q, rows: ids.length, lang } });
  yield toCsv([CSV_COLUMNS.map((c) => HEADERS[lang][c])]);
  const scope = scopeCondition(reader);
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    // The scope condition again: rows are read by id, and every read carries the tokens.
    const rows = await allRaw<SeizureRow>(ex, `${SEIZURE_SELECT} WHERE s.id IN (SELECT value FROM json_each(?)) AND ${scope.clause}`, [
      JSON.stringify(chunk),
      ...scope.params,
    ]);
    const details = new Map((await loadDetails(ex, rows)).map((d) => [d.id, d]));
    const lines: (string | number | null)[][] = [];
    for (const id of chunk) {
      const s = details.get(id);
      if (s) lines.push(...seizureToCsvRows(s, lang));
    }
    // toCsv adds a BOM; only the first chunk (the header) carries it.
    if (lines.length) yield toCsv(lines).slice(1);
  }
}
