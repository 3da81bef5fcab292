/**
 * The import puts each seizure's facet ids together from the seizures it has just written; a
 * reindex reads them from the tables in SQL. Both must give every seizure the same facet values,
 * or a filter would find a seizure after one and miss it after the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';
import { seedBasics } from '#tests/fixtures/seizures/helpers.ts';
import { seedDemoSeizures } from '#db/seed/seizures.ts';
import { rawClient } from '#src/server/db.ts';
import { allRows, col, writeTransaction } from '#src/server/sql.ts';
import { FACET_CHAR_BASE, reindexAll } from '#src/server/search/fts5-index.ts';

let cleanup: () => void;
beforeAll(async () => {
  ({ cleanup } = await useTempDatabase());
  await seedBasics();
  await seedDemoSeizures(400, 3);
}, 120_000);
afterAll(() => cleanup());

/** Each seizure's docs row with its facet ids as sorted "field=value" pairs. */
async function docs(): Promise<Map<number, string>> {
  const ex = rawClient();
  const names = new Map(
    (await allRows(ex, { id: col.int, field: col.text, value: col.text }, 'SELECT id, field, value FROM facet_values')).map((r) => [
      r.id,
      `${r.field}=${r.value}`,
    ]),
  );
  const rows = await allRows(
    ex,
    { id: col.int, scope: col.int, date: col.text, country: col.text, state: col.text, agency: col.text, count: col.int, facets: col.text },
    `SELECT seizure_id AS id, scope_set_id AS scope, date, country, state_code AS state, agency_code AS agency, firearm_count AS count,
       facet_ids AS facets FROM seizure_search_docs`,
  );
  return new Map(
    rows.map((r) => {
      const pairs = [...r.facets].map((ch) => names.get(ch.charCodeAt(0) - FACET_CHAR_BASE) ?? `unknown ${ch.charCodeAt(0)}`).sort();
      return [r.id, JSON.stringify({ ...r, facets: pairs })];
    }),
  );
}

describe('search docs of imported seizures', () => {
  it('hold the facet values a reindex from the tables gives them', async () => {
    const imported = await docs();
    expect(imported.size).toBe(400);
    const sample = JSON.parse(imported.values().next().value ?? '{}') as { facets: string[] };
    expect(sample.facets.some((f) => f.startsWith('firearmType='))).toBe(true);
    expect(sample.facets.some((f) => f.startsWith('year='))).toBe(true);
    await writeTransaction((tx) => reindexAll(tx));
    const reindexed = await docs();
    expect(reindexed.size).toBe(400);
    for (const [id, row] of imported) expect(reindexed.get(id), `seizure ${id}`).toBe(row);
  });
});
