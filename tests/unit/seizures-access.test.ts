import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';
import { csv, importCsv, readers, row, seedBasics } from '#tests/fixtures/seizures/helpers.ts';
import { search } from '#src/server/search/index.ts';
import { dashboard, exportCsv, getSeizure } from '#src/server/seizures/queries.ts';
import { rawClient } from '#src/server/db.ts';
import type { Reader } from '#src/server/access.ts';

let cleanup: () => void;
let secretId: number;
beforeAll(async () => {
  ({ cleanup } = await useTempDatabase());
  await seedBasics();
  const r = await importCsv(
    csv(
      row({ reference: 'OPEN-1', serial: 'OPEN1', summary_es: 'Fusil asegurado en Reynosa' }),
      // The one only FGR may see: a distinctive manufacturer, calibre and state so every
      // aggregate would show a leak.
      row({
        reference: 'SECRET-1',
        state: 'MX-ZAC',
        visibility: 'agency:FGR',
        manufacturer: 'Sigilo Arms',
        calibre: '.338 Lapua',
        serial: 'SECRETO777',
        summary_es: 'Fusil reservado en Zacatecas',
        case_file: 'CF-S',
      }),
      row({ reference: 'MX-ONLY', state: 'MX-SON', visibility: 'country:MX', serial: 'MXONLY1', case_file: 'CF-M' }),
      row({ reference: 'ATF-ONLY', state: 'US-TX', agency: 'ATF', visibility: 'agency:ATF', serial: 'ATFONLY1', case_file: 'CF-A' }),
    ),
  );
  expect(r.ok).toBe(true);
  secretId = Number((await rawClient().execute(`SELECT id FROM seizures WHERE reference = 'SECRET-1'`)).rows[0]?.id);
});
afterAll(() => cleanup());

async function everythingSeenBy(reader: Reader) {
  const all = await search({ pageSize: 100 }, reader);
  const text = await search({ text: 'secreto777' }, reader);
  const byState = await search({ filters: { state: ['MX-ZAC'] } }, reader);
  const dash = await dashboard({}, reader);
  let exported = '';
  for await (const chunk of exportCsv({}, reader, 'en', { userId: reader.id })) exported += chunk;
  return { all, text, byState, dash, exported, detail: await getSeizure(secretId, reader) };
}

describe('access rules in search, facets, dashboard, export and detail', () => {
  it('hides an agency:FGR seizure from an ATF reader everywhere', async () => {
    const seen = await everythingSeenBy(readers.atf);
    expect(seen.all.hits.map((h) => h.reference).sort()).toEqual(['ATF-ONLY', 'OPEN-1']);
    expect(seen.all.total).toBe(2);
    expect(seen.text.total).toBe(0);
    expect(seen.byState.total).toBe(0);
    expect(seen.all.facets.manufacturer.map((b) => b.value)).not.toContain('Sigilo Arms');
    expect(seen.all.facets.calibre.map((b) => b.value)).not.toContain('.338 Lapua');
    expect(seen.all.facets.state.map((b) => b.value)).not.toContain('MX-ZAC');
    expect(seen.dash.total.seizures).toBe(2);
    expect(seen.dash.perState.map((s) => s.state)).not.toContain('MX-ZAC');
    expect(seen.dash.topManufacturers.map((m) => m.manufacturer)).not.toContain('Sigilo Arms');
    expect(seen.exported).not.toContain('SECRET');
    expect(seen.exported).not.toContain('MX-ONLY');
    expect(seen.detail).toBeNull();
  });

  it('shows it to an FGR reader, with country:MX items but without agency:ATF ones', async () => {
    const seen = await everythingSeenBy(readers.fgr);
    expect(seen.all.hits.map((h) => h.reference).sort()).toEqual(['MX-ONLY', 'OPEN-1', 'SECRET-1']);
    expect(seen.text.total).toBe(1);
    expect(seen.byState.total).toBe(1);
    expect(seen.all.facets.manufacturer.find((b) => b.value === 'Sigilo Arms')?.count).toBe(1);
    expect(seen.dash.topManufacturers.map((m) => m.manufacturer)).toContain('Sigilo Arms');
    expect(seen.exported).toContain('SECRETO777');
    expect(seen.detail?.reference).toBe('SECRET-1');
    expect(seen.detail?.firearms[0]?.serial).toBe('SECRETO777');
  });

  it('hides it from another Mexican agency (country scope is not agency scope)', async () => {
    const seen = await everythingSeenBy(readers.sedena);
    expect(seen.all.hits.map((h) => h.reference).sort()).toEqual(['MX-ONLY', 'OPEN-1']);
    expect(seen.detail).toBeNull();
  });

  it('shows everything to an admin', async () => {
    const seen = await everythingSeenBy(readers.admin);
    expect(seen.all.total).toBe(4);
    expect(seen.text.total).toBe(1);
    expect(seen.dash.total.seizures).toBe(4);
    expect(seen.detail?.reference).toBe('SECRET-1');
  });

  it('shows nothing to a visitor (seizures are never public)', async () => {
    expect((await search({}, null)).total).toBe(0);
    expect(await getSeizure(secretId, null)).toBeNull();
  });

  it('answers null for ids that do not exist or are malformed', async () => {
    expect(await getSeizure(999_999, readers.admin)).toBeNull();
    expect(await getSeizure(Number.NaN, readers.admin)).toBeNull();
  });

  it('audits exports', async () => {
    const r = await rawClient().execute(`SELECT count(*) AS n FROM audit_log WHERE action = 'seizures.export'`);
    expect(Number(r.rows[0]?.n)).toBeGreaterThanOrEqual(4);
  });
});
