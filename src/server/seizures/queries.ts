/**
 * Reads over the visible result set that are not ranked search: dashboard aggregates, the
 * CSV export and the detail page. Each SQL statement carries the reader's access tokens
 * (through buildWhere or the scope condition below).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { readerTokens, seesEverything, visibilityKey, type Reader } from '#src/server/access.ts';
import { LruCache, SizedLruCache } from '#src/server/cache.ts';
import { dataVersion } from '#src/server/data-version.ts';
import { config } from '#src/server/config.ts';
import { audit, type Actor } from '#src/server/audit.ts';
import { rawClient } from '#src/server/db.ts';
import { readExec } from '#src/server/read-pool.ts';
import { CSV_COLUMNS, HEADERS } from './columns.ts';
import { seizureToCsvRows, toCsv } from './csv-write.ts';
import type { SeizureDetail } from './types.ts';
import { SEIZURE_ROW, SEIZURE_SELECT, loadDetails } from './records.ts';
import { FIREARM_TYPES, TRACE_STATUSES, type FirearmType, type TraceStatus } from '#src/domain/seizures.ts';
import { buildWhere } from '#src/server/search/filter.ts';
import { allRows, col, type RawExec, type SqlValue } from '#src/server/sql.ts';
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
  return dashboardCache.getOrLoad(key, () => computeDashboard(query, reader, readExec()));
}

async function computeDashboard(query: SearchQuery, reader: Reader | null, ex: RawExec): Promise<Dashboard> {
  const q = normalizeQuery(query);
  const w = await buildWhere(ex, q, reader);
  const p = w.params;
  const perMonth = await allRows(
    ex,
    { month: col.text, seizures: col.int, firearms: col.int },
    `SELECT substr(d.date, 1, 7) AS month, count(*) AS seizures, sum(d.firearm_count) AS firearms FROM ${w.from} WHERE ${w.clause} GROUP BY month ORDER BY month`,
    p,
  );
  const perState = await allRows(
    ex,
    { state: col.text, country: col.text, nameEs: col.text, nameEn: col.text, seizures: col.int, firearms: col.int },
    `SELECT d.state_code AS state, st.country, st.name_es AS nameEs, st.name_en AS nameEn, count(*) AS seizures, sum(d.firearm_count) AS firearms
     FROM ${w.from} JOIN states st ON st.code = d.state_code WHERE ${w.clause} GROUP BY d.state_code ORDER BY seizures DESC`,
    p,
  );
  // One pass over the firearms of the visible seizures, grouped four ways at once.
  const rows = await allRows(
    ex,
    {
      type: col.oneOf(FIREARM_TYPES),
      calibre: col.textOrNull,
      manufacturer: col.textOrNull,
      trace: col.oneOf(TRACE_STATUSES),
      n: col.int,
      obliterated: col.int,
    },
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
  const [ttc] = await allRows(
    ex,
    { median: col.numOrNull },
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

/** The seizure, or null when it does not exist or the reader may not see it (the page answers 404). */
export async function getSeizure(id: number, reader: Reader | null, ex: RawExec = rawClient()): Promise<SeizureDetail | null> {
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const scope = scopeCondition(reader);
  const rows = await allRows(ex, SEIZURE_ROW, `${SEIZURE_SELECT} WHERE s.id = ? AND ${scope.clause}`, [id, ...scope.params]);
  const [detail] = await loadDetails(ex, rows);
  return detail ?? null;
}

/** Seizures read and written per chunk of an export: a few milliseconds of work each. */
export const EXPORT_CHUNK = 50;

/** An export kept whole: its CSV (the parts as streamed) and its row count (for the audit row). */
interface CachedExport {
  parts: string[];
  rows: number;
}
/** An export larger than this (characters of CSV) is streamed every time and never kept. */
export const EXPORT_CACHE_MAX_CHARS = 512 * 1024;
// Small exports (a state, a month: what members download again and again) per visibility, query,
// language and seizure data version, like the dashboard figures: an import makes the next one fresh.
// Bounded by size (2 bytes a character, as V8 may hold them): 8 MB a process at most.
const exportCache = new SizedLruCache<CachedExport>(8 * 1024 * 1024, (e) => 2 * e.parts.reduce((n, p) => n + p.length, 0));

/** Exports answered from the cache (tests read it). */
export const exportCacheStats = { hits: 0 };

/**
 * The whole visible result set as CSV (one row per firearm line, the import format and
 * headers of the language, so an export can be imported again), in chunks. Audited here, every
 * time (a kept export too).
 */
export async function* exportCsv(
  query: SearchQuery,
  reader: Reader | null,
  lang: 'es' | 'en',
  actor: Actor = {},
  // A caller's own executor (a transaction, a test) reads live data and keeps nothing.
  given?: RawExec,
): AsyncGenerator<string, void> {
  const q = normalizeQuery(query);
  // The rows do not depend on the page asked for; everything else of the query is in the key.
  const key = given
    ? null
    : JSON.stringify([config.databaseUrl, await dataVersion('seizures'), visibilityKey(reader), lang, { ...q, page: 0, pageSize: 0 }]);
  const kept = key === null ? undefined : exportCache.get(key);
  if (kept) {
    exportCacheStats.hits++;
    await audit(actor, { action: 'seizures.export', target: 'seizures', detail: { query: q, rows: kept.rows, lang } });
    yield* kept.parts;
    return;
  }
  // Off the request thread (src/server/read-pool.ts): every statement below carries the reader's access rule.
  const ex = given ?? readExec();
  const w = await buildWhere(ex, q, reader);
  const order = q.sort === 'date_asc' ? 'd.date ASC, d.seizure_id ASC' : 'd.date DESC, d.seizure_id DESC';
  const ids = (
    await allRows(ex, { id: col.int }, `SELECT d.seizure_id AS id FROM ${w.from} WHERE ${w.clause} ORDER BY ${order}`, w.params)
  ).map((r) => r.id);
  await audit(actor, { action: 'seizures.export', target: 'seizures', detail: { query: q, rows: ids.length, lang } });
  // What was streamed, kept while it stays small (null once it is too large to keep).
  let parts: string[] | null = key === null ? null : [];
  let chars = 0;
  const emit = (part: string) => {
    chars += part.length;
    if (parts && chars <= EXPORT_CACHE_MAX_CHARS) parts.push(part);
    else parts = null;
    return part;
  };
  yield emit(toCsv([CSV_COLUMNS.map((c) => HEADERS[lang][c])]));
  const scope = scopeCondition(reader);
  for (let i = 0; i < ids.length; i += EXPORT_CHUNK) {
    // The driver runs SQL synchronously and a resolved await does not let the event loop run:
    // other requests get their turn between chunks, so a long export never holds them up for
    // more than one chunk.
    if (i > 0) await nextTurn();
    const chunk = ids.slice(i, i + EXPORT_CHUNK);
    // The scope condition again: rows are read by id, and every read carries the tokens.
    const rows = await allRows(ex, SEIZURE_ROW, `${SEIZURE_SELECT} WHERE s.id IN (SELECT value FROM json_each(?)) AND ${scope.clause}`, [
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
    if (lines.length) yield emit(toCsv(lines).slice(1));
  }
  // Kept only when written to the end (a reader who left mid-way stops the generator before this).
  if (key !== null && parts) exportCache.set(key, { parts, rows: ids.length });
}
