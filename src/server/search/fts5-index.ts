/**
 * Keeps the embedded engine's index (seizure_fts, seizure_search_docs, facet_values) in step
 * with the seizure tables. Every function takes the caller's executor, so the index changes
 * in the same transaction as the rows it describes. The index text is composed in SQL from
 * the base tables: import and reindex share one definition.
 */

import { runRaw, type RawExec } from '#src/server/sql.ts';

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

/** Adds the seizures to the index (they must not be in it yet: call unindexSeizures first on change). */
export async function indexSeizures(ex: RawExec, target: Target): Promise<void> {
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
  // Serials are indexed as written and with separators removed, so "AB-12345" is found by
  // "AB12345" and by the prefix "AB12".
  await runRaw(
    ex,
    `INSERT INTO seizure_fts (rowid, summary_es, summary_en, place, firearms, serials)
     SELECT s.id, s.summary_es, s.summary_en,
       concat_ws(' ', s.reference, s.case_file, s.operation, s.municipality, s.place, st.name_es,
         CASE WHEN st.name_en <> st.name_es THEN st.name_en END, c.name_es,
         CASE WHEN c.name_en <> c.name_es THEN c.name_en END, s.agency_code),
       (SELECT group_concat(concat_ws(' ', f.manufacturer, f.model, f.calibre, f.importer, f.country_of_manufacture, f.other_markings, f.type), ' ')
          FROM firearms f WHERE f.seizure_id = s.id),
       (SELECT group_concat(f.serial || ' ' || replace(replace(replace(replace(f.serial, '-', ''), ' ', ''), '/', ''), '.', ''), ' ')
          FROM firearms f WHERE f.seizure_id = s.id AND f.serial IS NOT NULL)
     FROM seizures s JOIN states st ON st.code = s.state_code JOIN countries c ON c.code = s.country
     WHERE ${w.clause}`,
    w.params,
  );
}

export async function unindexSeizures(ex: RawExec, target: Target): Promise<void> {
  if (target === 'all') {
    await runRaw(ex, `DELETE FROM seizure_fts`);
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
