/**
 * Keeps the embedded engine's index (seizure_fts, seizure_search_docs, facet_values) in step
 * with the seizure tables. Every function takes the caller's executor, so the index changes
 * in the same transaction as the rows it describes. The index text is composed by
 * seizureSearchFields (seizure-text.ts): import and reindex share one definition.
 */

import { allRows, col, insertRows, runRaw, type RawExec, type SqlValue } from '#src/server/sql.ts';
import { bumpDataVersion } from '#src/server/data-version.ts';
import { loadSeizures } from '#src/server/seizures/records.ts';
import type { SeizureInput } from '#src/server/seizures/types.ts';
import { conceptToken, seizureSearchFields } from './seizure-text.ts';

/** Facet fields, in the order pages show them. */
export const FACET_FIELDS = ['country', 'state', 'agency', 'year', 'firearmType', 'calibre', 'manufacturer', 'traceStatus'] as const;
export type FacetField = (typeof FACET_FIELDS)[number];

/**
 * facet_ids holds one character per facet value: char(id + 256). Membership is
 * `instr(facet_ids, char)`, and counting a result set's facets is one pass over the
 * concatenated characters. (2 bytes in UTF-8 up to id 1,791; valid up to id ~55,000.)
 */
export const FACET_CHAR_BASE = 256;

/** Which seizures a statement touches: an explicit id list, or all of them. */
type Target = { ids: readonly number[] } | 'all';

function where(target: Target, column: string): { clause: string; params: string[] } {
  if (target === 'all') return { clause: '1', params: [] };
  return { clause: `${column} IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(target.ids)] };
}

/** The (field, value) pairs of each seizure, as one SELECT over the base tables. */
function facetPairs(seizureFilter: string): string {
  return `
    SELECT s.id AS sid, 'country' AS field, s.country AS value FROM seizures s WHERE ${seizureFilter}
    UNION ALL SELECT s.id, 'state', s.state_code FROM seizures s WHERE ${seizureFilter}
    UNION ALL SELECT s.id, 'agency', s.agency_code FROM seizures s WHERE ${seizureFilter}
    UNION ALL SELECT s.id, 'year', substr(s.date, 1, 4) FROM seizures s WHERE ${seizureFilter}
    UNION SELECT f.seizure_id, 'firearmType', f.type FROM firearms f JOIN seizures s ON s.id = f.seizure_id WHERE ${seizureFilter}
    UNION SELECT f.seizure_id, 'calibre', f.calibre FROM firearms f JOIN seizures s ON s.id = f.seizure_id WHERE ${seizureFilter} AND f.calibre IS NOT NULL
    UNION SELECT f.seizure_id, 'manufacturer', f.manufacturer FROM firearms f JOIN seizures s ON s.id = f.seizure_id WHERE ${seizureFilter} AND f.manufacturer IS NOT NULL
    UNION SELECT f.seizure_id, 'traceStatus', f.trace_status FROM firearms f JOIN seizures s ON s.id = f.seizure_id WHERE ${seizureFilter}`;
}

/**
 * Adds the seizures to the index (they must not be in it yet: call unindexSeizures first on
 * change). `inputs` (id -> the seizure as just written) spares reading the rows back during an
 * import; without it the seizures are read from the tables.
 */
export async function indexSeizures(ex: RawExec, target: Target, inputs?: ReadonlyMap<number, SeizureInput>): Promise<void> {
  if (target !== 'all' && inputs && target.ids.every((id) => inputs.has(id))) await insertDocsFromInputs(ex, target.ids, inputs);
  else await insertDocsFromTables(ex, target);
  // The text columns are analysed here (stems, concepts), not in SQL: read the seizures in
  // chunks unless the caller has them.
  const ids =
    target === 'all' ? (await allRows(ex, { id: col.int }, 'SELECT id FROM seizures ORDER BY id')).map((r) => r.id) : [...target.ids];
  for (let i = 0; i < ids.length; i += INDEX_CHUNK) {
    const chunk = ids.slice(i, i + INDEX_CHUNK);
    const known = inputs ? chunk.flatMap((id) => (inputs.has(id) ? [[id, inputs.get(id) as SeizureInput] as const] : [])) : [];
    const missing = inputs ? chunk.filter((id) => !inputs.has(id)) : chunk;
    const loaded = (await loadSeizures(ex, missing)).map((s) => [s.id, s] as const);
    const rows: SqlValue[][] = [];
    for (const [id, s] of [...known, ...loaded]) {
      const f = seizureSearchFields(s);
      rows.push([id, f.summary, f.place, f.items, f.serials, f.stems, f.concepts.map(conceptToken).join(' ')]);
    }
    await insertRows(ex, 'seizure_fts', ['rowid', 'summary', 'place', 'items', 'serials', 'stems', 'concepts'], rows);
  }
}

/** seizure_search_docs rows (and new facet values) of the seizures as stored, in SQL. */
async function insertDocsFromTables(ex: RawExec, target: Target): Promise<void> {
  const w = where(target, 's.id');
  // facetPairs repeats the filter 8 times; json_each over the same JSON text each time.
  const pairParams = Array.from({ length: 8 }, () => w.params).flat();
  await runRaw(
    ex,
    `INSERT OR IGNORE INTO facet_values (field, value) SELECT DISTINCT field, value FROM (${facetPairs(w.clause)})`,
    pairParams,
  );
  await runRaw(
    ex,
    `INSERT INTO seizure_search_docs (seizure_id, scope_set_id, date, country, state_code, agency_code, firearm_count, facet_ids)
     SELECT s.id, s.scope_set_id, s.date, s.country, s.state_code, s.agency_code, s.firearm_count, ids.list
     FROM seizures s JOIN (
       SELECT p.sid, group_concat(char(fv.id + ${FACET_CHAR_BASE}), '') AS list
       FROM (${facetPairs(w.clause)}) p JOIN facet_values fv ON fv.field = p.field AND fv.value = p.value
       GROUP BY p.sid
     ) ids ON ids.sid = s.id`,
    pairParams,
  );
}

/** The (field, value) pairs of a seizure, as facetPairs gives them from its rows. */
export function facetPairsOf(s: SeizureInput): [FacetField, string][] {
  const pairs = new Map<string, [FacetField, string]>();
  const add = (field: FacetField, value: string | null) => {
    if (value !== null) pairs.set(`${field}\u0000${value}`, [field, value]);
  };
  add('country', s.country);
  add('state', s.stateCode);
  add('agency', s.agencyCode);
  add('year', s.date.slice(0, 4));
  for (const f of s.firearms) {
    add('firearmType', f.type);
    add('calibre', f.calibre);
    add('manufacturer', f.manufacturer);
    add('traceStatus', f.traceStatus);
  }
  return [...pairs.values()];
}

/**
 * The same rows from the seizures as just written (an import has them): the facet ids are put
 * together here instead of by facetPairs' eight-way UNION over the tables (~10 % of an import).
 */
async function insertDocsFromInputs(ex: RawExec, ids: readonly number[], inputs: ReadonlyMap<number, SeizureInput>): Promise<void> {
  const perSeizure = ids.map((id) => [id, facetPairsOf(inputs.get(id) as SeizureInput)] as const);
  const distinct = new Map<string, [FacetField, string]>();
  for (const [, pairs] of perSeizure) for (const p of pairs) distinct.set(`${p[0]}\u0000${p[1]}`, p);
  const wanted = JSON.stringify([...distinct.values()]);
  await runRaw(ex, `INSERT OR IGNORE INTO facet_values (field, value) SELECT value ->> 0, value ->> 1 FROM json_each(?)`, [wanted]);
  const idOf = new Map<string, number>();
  for (const r of await allRows(
    ex,
    { id: col.int, field: col.text, value: col.text },
    `SELECT fv.id, fv.field, fv.value FROM json_each(?) j JOIN facet_values fv ON fv.field = j.value ->> 0 AND fv.value = j.value ->> 1`,
    [wanted],
  ))
    idOf.set(`${r.field}\u0000${r.value}`, r.id);
  const lists = perSeizure.map(([id, pairs]) => [
    id,
    pairs.map(([field, value]) => String.fromCharCode((idOf.get(`${field}\u0000${value}`) as number) + FACET_CHAR_BASE)).join(''),
  ]);
  await runRaw(
    ex,
    `INSERT INTO seizure_search_docs (seizure_id, scope_set_id, date, country, state_code, agency_code, firearm_count, facet_ids)
     SELECT s.id, s.scope_set_id, s.date, s.country, s.state_code, s.agency_code, s.firearm_count, j.value ->> 1
     FROM json_each(?) j JOIN seizures s ON s.id = j.value ->> 0`,
    [JSON.stringify(lists)],
  );
}

const INDEX_CHUNK = 2000;

export async function unindexSeizures(ex: RawExec, target: Target): Promise<void> {
  if (target === 'all') {
    await runRaw(ex, `INSERT INTO seizure_fts (seizure_fts) VALUES ('delete-all')`);
    await runRaw(ex, `DELETE FROM seizure_search_docs`);
    return;
  }
  const w = where(target, 'rowid');
  await runRaw(ex, `DELETE FROM seizure_fts WHERE ${w.clause}`, w.params);
  const d = where(target, 'seizure_id');
  await runRaw(ex, `DELETE FROM seizure_search_docs WHERE ${d.clause}`, d.params);
}

/** Rebuilds the whole embedded index from the base tables (scripts/search-reindex.ts). */
export async function reindexAll(ex: RawExec): Promise<void> {
  await unindexSeizures(ex, 'all');
  await indexSeizures(ex, 'all');
  await runRaw(ex, `INSERT INTO seizure_fts (seizure_fts) VALUES ('optimize')`);
}

/**
 * After a migration that changed the index (its rows are computed in TypeScript, so the SQL
 * migration can only empty it), rebuild it before serving. Cheap when there is nothing to do.
 */
export async function ensureIndexBuilt(ex: RawExec, transaction: (fn: (tx: RawExec) => Promise<void>) => Promise<void>): Promise<boolean> {
  const [row] = await allRows(
    ex,
    { s: col.int, d: col.int },
    'SELECT (SELECT count(*) FROM (SELECT 1 FROM seizures LIMIT 1)) AS s, (SELECT count(*) FROM (SELECT 1 FROM seizure_search_docs LIMIT 1)) AS d',
  );
  if (!row || row.s === 0 || row.d > 0) return false;
  await transaction(async (tx) => {
    await reindexAll(tx);
    // Another process may already serve (and cache) searches of this database.
    await bumpDataVersion(tx, 'seizures');
  });
  return true;
}
