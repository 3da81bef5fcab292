/**
 * The seizure index held in memory as typed-array columns, one slot per seizure id: scope set,
 * date, firearm count and facet-value ids (CSR: facetStart[id]..facetStart[id + 1] in facetIds).
 * Built once per seizure data version (an import raises it in its transaction, so the next
 * search rebuilds) from seizure_search_docs, the same rows the SQL path reads.
 *
 * FTS5 only says which rowids match the text; visibility, dates, facet filters, the total, the
 * facet counts and the date/firearm orders are worked out here over the arrays. Profiled at
 * 100,000 seizures: the SQL path spent 90–500 ms per search in group_concat of facet ids and in
 * joins of the docs table to the FTS hits; one pass over the arrays takes a few milliseconds even
 * for 60,000 hits.
 *
 * Visibility is access.ts's own predicate (`canSee` over each scope set's tokens, read from
 * scope_set_tokens as the SQL path reads them), evaluated once per scope set per search: a seizure
 * whose scope set is unknown here is not visible.
 */
import { canSee, type Reader } from '#src/server/access.ts';
import { perDataVersion } from '#src/server/data-version.ts';
import { allRows, col, type RawExec } from '#src/server/sql.ts';
import { FACET_CHAR_BASE } from './fts5-index.ts';

export interface SeizureColumns {
  version: number;
  /** Largest seizure id + 1: the length of every per-id column. */
  size: number;
  /** 1 for ids in the index. */
  present: Uint8Array;
  scope: Int32Array;
  /** YYYYMMDD. */
  date: Int32Array;
  firearmCount: Int32Array;
  facetStart: Int32Array;
  facetIds: Uint16Array;
  /** Largest facet-value id + 1 (the length of a counts array). */
  facetSize: number;
  /** Tokens of each scope set (scope_set_tokens). */
  scopeTokens: Map<number, string[]>;
  /** Indexed ids by date descending, then id descending (reversed: date_asc). */
  byDateDesc: Int32Array;
  /** By firearm count descending, then date and id descending; built on first use. */
  byFirearmsDesc: Int32Array | null;
}

/** How many times the columns were built (tests: once per data version). */
export const columnStats = { built: 0 };

const builtColumns = perDataVersion('seizures', buildColumns);

/** The columns of the current data version of this database. */
export function seizureColumns(ex: RawExec): Promise<SeizureColumns> {
  return builtColumns.get(ex);
}

/** Forgets the columns (tests that replace the database). */
export function dropSeizureColumns(): void {
  builtColumns.clear();
}

export const dateNumber = (iso: string): number =>
  Number(iso.slice(0, 4)) * 10_000 + Number(iso.slice(5, 7)) * 100 + Number(iso.slice(8, 10));

async function buildColumns(ex: RawExec, version: number): Promise<SeizureColumns> {
  columnStats.built++;
  // One row of five lists: a row object per seizure cost ~17 µs (350 ms for 20,000 seizures),
  // the lists ~1.5 µs.
  const [lists] = await allRows(
    ex,
    { ids: col.textOrNull, scopes: col.textOrNull, dates: col.textOrNull, counts: col.textOrNull, facets: col.textOrNull },
    `SELECT group_concat(seizure_id) AS ids, group_concat(scope_set_id) AS scopes, group_concat(replace(date, '-', '')) AS dates,
       group_concat(firearm_count) AS counts, group_concat(facet_ids, char(1)) AS facets
     FROM (SELECT * FROM seizure_search_docs ORDER BY seizure_id)`,
  );
  const ids = parseIdList(lists?.ids ?? '', false);
  const scopes = parseIdList(lists?.scopes ?? '', false);
  const dates = parseIdList(lists?.dates ?? '', false);
  const counts = parseIdList(lists?.counts ?? '', false);
  const facetText = lists?.facets ?? '';
  const rowCount = ids.length;
  const size = (rowCount ? (ids[rowCount - 1] as number) : 0) + 1;
  const present = new Uint8Array(size);
  const scope = new Int32Array(size);
  const date = new Int32Array(size);
  const firearmCount = new Int32Array(size);
  const facetStart = new Int32Array(size + 1);
  const facetIds = new Uint16Array(facetText.length);
  let facetSize = 0;
  let k = 0;
  let next = 0;
  let at = 0;
  for (let i = 0; i < rowCount; i++) {
    const id = ids[i] as number;
    // Ids without a row get an empty facet range.
    while (next <= id) facetStart[next++] = k;
    present[id] = 1;
    scope[id] = scopes[i] as number;
    date[id] = dates[i] as number;
    firearmCount[id] = counts[i] as number;
    for (; at < facetText.length; at++) {
      const ch = facetText.charCodeAt(at);
      if (ch === 1) break;
      const f = ch - FACET_CHAR_BASE;
      facetIds[k++] = f;
      if (f >= facetSize) facetSize = f + 1;
    }
    at++;
  }
  while (next <= size) facetStart[next++] = k;

  const scopeTokens = new Map<number, string[]>();
  for (const r of await allRows(ex, { id: col.int, token: col.text }, 'SELECT scope_set_id AS id, token FROM scope_set_tokens')) {
    const list = scopeTokens.get(r.id);
    if (list) list.push(r.token);
    else scopeTokens.set(r.id, [r.token]);
  }

  // date * 2^24 + id is exact in a double up to id 16,777,215: sorted numerically, then read backwards.
  if (size > 16_777_216) throw new Error('seizure ids beyond 16,777,215: the date order needs another key');
  const keys = new Float64Array(rowCount);
  for (let i = 0; i < rowCount; i++) keys[i] = (dates[i] as number) * 16_777_216 + (ids[i] as number);
  keys.sort();
  const byDateDesc = new Int32Array(rowCount);
  for (let i = 0; i < keys.length; i++) byDateDesc[keys.length - 1 - i] = (keys[i] as number) % 16_777_216;
  return {
    version,
    size,
    present,
    scope,
    date,
    firearmCount,
    facetStart,
    facetIds,
    facetSize,
    scopeTokens,
    byDateDesc,
    byFirearmsDesc: null,
  };
}

export function firearmsOrder(c: SeizureColumns): Int32Array {
  if (!c.byFirearmsDesc) {
    // Ties keep the date order (stable sort over byDateDesc).
    const ids = Array.from(c.byDateDesc);
    ids.sort((a, b) => (c.firearmCount[b] as number) - (c.firearmCount[a] as number));
    c.byFirearmsDesc = Int32Array.from(ids);
  }
  return c.byFirearmsDesc;
}

/** Which scope sets the reader may see (index: scope_set_id), by access.ts's canSee. */
export function visibleScopes(c: SeizureColumns, reader: Reader | null): Uint8Array {
  let max = 0;
  for (const id of c.scopeTokens.keys()) if (id > max) max = id;
  const visible = new Uint8Array(max + 1);
  for (const [id, tokens] of c.scopeTokens) if (canSee(reader, tokens)) visible[id] = 1;
  return visible;
}

export interface FacetSelection {
  /** One bit per facet field with a selection. */
  required: number;
  /** Facet-value id -> its field's bit (0: unknown id). */
  bitOf: Int32Array;
  /** Facet-value ids chosen by the query. */
  chosen: Uint8Array;
}

export interface PassInput {
  /** FTS5 rowids matching the text, ascending; null: every indexed seizure. */
  candidates: Int32Array | null;
  /** Rowids to leave out ("-glock" alone); null: none. */
  excluded: Int32Array | null;
  visible: Uint8Array;
  dateFrom: number;
  dateTo: number;
  facets: FacetSelection | null;
}

export interface Pass {
  total: number;
  /** Facet-value id -> number of seizures (a row failing one facet only counts for that facet). */
  counts: Int32Array;
  /** 1 for every id in the result. */
  hit: Uint8Array;
  /** The result's ids, ascending. */
  hits: Int32Array;
}

/**
 * One pass over the candidates: access, dates, facet filters (OR within a facet, AND across),
 * the total and the facet counts. A row that passes every facet filter counts for every facet;
 * a row that fails only facet F's filter counts for F's values, so a facet's other values keep
 * the counts they would have.
 */
export function runPass(c: SeizureColumns, input: PassInput): Pass {
  const { present, scope, date, facetStart, facetIds } = c;
  const { visible, dateFrom, dateTo, facets } = input;
  const counts = new Int32Array(c.facetSize);
  const hit = new Uint8Array(c.size);
  const cand = input.candidates;
  const hits = new Int32Array(cand ? cand.length : c.byDateDesc.length);
  let excludedMark: Uint8Array | null = null;
  if (input.excluded) {
    excludedMark = new Uint8Array(c.size);
    for (const id of input.excluded) if (id < c.size) excludedMark[id] = 1;
  }
  const n = cand ? cand.length : c.size;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const id = cand ? (cand[i] as number) : i;
    if (id >= c.size || !present[id] || !visible[scope[id] as number]) continue;
    const d = date[id] as number;
    if (d < dateFrom || d > dateTo) continue;
    if (excludedMark && excludedMark[id]) continue;
    const start = facetStart[id] as number;
    const end = facetStart[id + 1] as number;
    if (!facets) {
      for (let k = start; k < end; k++) (counts[facetIds[k] as number] as number)++;
      hit[id] = 1;
      hits[total++] = id;
      continue;
    }
    let passed = 0;
    for (let k = start; k < end; k++) {
      const f = facetIds[k] as number;
      if (facets.chosen[f]) passed |= facets.bitOf[f] as number;
    }
    const failed = facets.required & ~passed;
    if (failed === 0) {
      for (let k = start; k < end; k++) (counts[facetIds[k] as number] as number)++;
      hit[id] = 1;
      hits[total++] = id;
    } else if ((failed & (failed - 1)) === 0) {
      for (let k = start; k < end; k++) {
        const f = facetIds[k] as number;
        if (facets.bitOf[f] === failed) (counts[f] as number)++;
      }
    }
  }
  return { total, counts, hit, hits: hits.subarray(0, total) };
}

/** Ids of the result along an order, from `offset`, at most `limit`. */
export function pageAlong(order: Int32Array, hit: Uint8Array, offset: number, limit: number, reverse = false): number[] {
  const out: number[] = [];
  let skipped = 0;
  const n = order.length;
  for (let i = 0; i < n && out.length < limit; i++) {
    const id = order[reverse ? n - 1 - i : i] as number;
    if (!hit[id]) continue;
    if (skipped < offset) skipped++;
    else out.push(id);
  }
  return out;
}

/** Ids of an FTS5 match, ascending (one string from SQLite: 2 ms for 14,600 ids where a row per id took 38 ms). */
export async function matchingRowids(ex: RawExec, match: string): Promise<Int32Array> {
  const [row] = await allRows(ex, { ids: col.textOrNull }, 'SELECT group_concat(rowid) AS ids FROM seizure_fts WHERE seizure_fts MATCH ?', [
    match,
  ]);
  return parseIdList(row?.ids ?? '', true);
}

/** "12,5,7" -> [12, 5, 7] (non-negative integers), sorted when asked. */
export function parseIdList(text: string, sorted: boolean): Int32Array {
  if (!text) return new Int32Array(0);
  let n = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 44) n++;
  const out = new Int32Array(n);
  let j = 0;
  let v = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 44) {
      out[j++] = v;
      v = 0;
    } else v = v * 10 + (ch - 48);
  }
  out[j] = v;
  // FTS5 returns rowids ascending already; the pass's hit list must be ascending whatever happens.
  return sorted ? out.sort() : out;
}
