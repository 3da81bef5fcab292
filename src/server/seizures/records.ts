/**
 * Reads seizures with their firearms, ammunition, magazines and explosives by id. Callers add
 * the reader's scope condition (queries.ts) or read on behalf of the index (search/), which
 * never shows a row to anyone by itself.
 */
import type { ScopeToken } from '#src/server/access.ts';
import { FIREARM_TYPES, TRACE_STATUSES } from '#src/domain/seizures.ts';
import { allRows, col, type RawExec, type RowOf, type SqlValue } from '#src/server/sql.ts';
import type { SeizureDetail } from './types.ts';

/** The columns of SEIZURE_SELECT. */
export const SEIZURE_ROW = {
  id: col.int,
  reference: col.text,
  date: col.text,
  country: col.text,
  state_code: col.text,
  municipality: col.textOrNull,
  place: col.textOrNull,
  agency_code: col.text,
  operation: col.textOrNull,
  case_file: col.text,
  summary_es: col.textOrNull,
  summary_en: col.textOrNull,
  tokens: col.text,
  firearm_count: col.int,
  import_batch_id: col.intOrNull,
  created_at: col.int,
  updated_at: col.int,
  name_es: col.text,
  name_en: col.text,
};
export type SeizureRow = RowOf<typeof SEIZURE_ROW>;

const FIREARM_ROW = {
  seizure_id: col.int,
  type: col.oneOf(FIREARM_TYPES),
  manufacturer: col.textOrNull,
  model: col.textOrNull,
  calibre: col.textOrNull,
  serial: col.textOrNull,
  obliterated_serial: col.bool,
  country_of_manufacture: col.textOrNull,
  importer: col.textOrNull,
  other_markings: col.textOrNull,
  quantity: col.int,
  trace_status: col.oneOf(TRACE_STATUSES),
  trace_source_country: col.textOrNull,
  trace_source_state: col.textOrNull,
  time_to_crime_days: col.intOrNull,
};

export const SEIZURE_SELECT = `SELECT s.id, s.reference, s.date, s.country, s.state_code, s.municipality, s.place, s.agency_code, s.operation, s.case_file,
  s.summary_es, s.summary_en, ss.tokens, s.firearm_count, s.import_batch_id, s.created_at, s.updated_at, st.name_es, st.name_en
  FROM seizures s JOIN scope_sets ss ON ss.id = s.scope_set_id JOIN states st ON st.code = s.state_code`;

/** Seizure rows (SEIZURE_SELECT) with their children, in the order given. */
export async function loadDetails(ex: RawExec, rows: SeizureRow[]): Promise<SeizureDetail[]> {
  if (!rows.length) return [];
  const ids = JSON.stringify(rows.map((r) => r.id));
  const inIds = 'seizure_id IN (SELECT value FROM json_each(?))';
  const firearms = await allRows(ex, FIREARM_ROW, `SELECT * FROM firearms WHERE ${inIds} ORDER BY id`, [ids]);
  const ammo = await allRows(
    ex,
    { seizure_id: col.int, calibre: col.text, rounds: col.int },
    `SELECT seizure_id, calibre, rounds FROM ammunition WHERE ${inIds} ORDER BY id`,
    [ids],
  );
  const mags = await allRows(
    ex,
    { seizure_id: col.int, quantity: col.int, capacity: col.intOrNull },
    `SELECT seizure_id, quantity, capacity FROM magazines WHERE ${inIds} ORDER BY id`,
    [ids],
  );
  const expl = await allRows(
    ex,
    { seizure_id: col.int, description: col.text, quantity: col.int },
    `SELECT seizure_id, description, quantity FROM explosives WHERE ${inIds} ORDER BY id`,
    [ids],
  );
  const group = <T extends { seizure_id: number }>(list: T[]) => {
    const m = new Map<number, T[]>();
    for (const x of list) {
      const l = m.get(x.seizure_id);
      if (l) l.push(x);
      else m.set(x.seizure_id, [x]);
    }
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
      obliteratedSerial: f.obliterated_serial,
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

/** Seizures by id, unscoped (for the search index and for callers that add their own scope). */
export async function loadSeizures(
  ex: RawExec,
  ids: readonly number[],
  scope: { clause: string; params: SqlValue[] } = { clause: '1', params: [] },
): Promise<SeizureDetail[]> {
  if (!ids.length) return [];
  const rows = await allRows(ex, SEIZURE_ROW, `${SEIZURE_SELECT} WHERE s.id IN (SELECT value FROM json_each(?)) AND ${scope.clause}`, [
    JSON.stringify(ids),
    ...scope.params,
  ]);
  return loadDetails(ex, rows);
}
