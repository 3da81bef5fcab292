/**
 * The in-memory columns (what pages search) against the SQL path over the same rows: the same
 * totals, facet counts and hits in the same order, for readers of several agencies and countries,
 * an admin and a visitor; and a restricted seizure is never counted for a reader outside its scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';
import { readers, seedBasics } from '#tests/fixtures/seizures/helpers.ts';
import { generateSeizures, seedDemoSeizures } from '#db/seed/seizures.ts';
import { fts5Search } from '#src/server/search/fts5.ts';
import { rawClient } from '#src/server/db.ts';
import type { Reader } from '#src/server/access.ts';
import type { SearchQuery } from '#src/server/search/types.ts';

const SEIZURES = 1200;
let cleanup: () => void;
beforeAll(async () => {
  ({ cleanup } = await useTempDatabase());
  await seedBasics();
  await seedDemoSeizures(SEIZURES, 1);
}, 120_000);
afterAll(() => cleanup());

const people: [string, Reader | null][] = [
  ['admin', readers.admin],
  ['FGR', readers.fgr],
  ['SEDENA', readers.sedena],
  ['ATF', readers.atf],
  ['PNC-GT', { id: 'u-gt', role: 'member', agencyCode: 'PNC-GT', agencyCountry: 'GT' }],
  ['visitor', null],
];

const queries: SearchQuery[] = [
  {},
  { text: 'fusil' },
  { text: 'fusiles', lang: 'en' },
  { text: 'pistola -glock' },
  { text: '-glock' },
  { text: 'revolver OR escopeta' },
  { text: '.223' },
  { text: 'cuerno de chivo', filters: { state: ['MX-TAM', 'MX-SIN'] } },
  { text: 'Michoacna' },
  // Expansions where the rows-only expression leaves phrases out (synonyms holding another alternative).
  { text: 'obliterated' },
  { text: 'armas de fuego -barrett' },
  { text: 'barrett' },
  { filters: { state: ['MX-TAM'] } },
  { filters: { firearmType: ['rifle'], calibre: ['7.62x39'] } },
  { text: 'fusil', filters: { agency: ['SEDENA', 'FGR'], year: ['2021', '2022'] } },
  { dateFrom: '2019-01-01', dateTo: '2020-06-30', sort: 'date_asc' },
  { sort: 'firearms_desc', page: 2 },
  { text: 'armas', sort: 'date_desc', page: 3, pageSize: 50 },
  { filters: { state: ['XX-NONE'] } },
  { filters: { traceStatus: ['traced_us_retail'], manufacturer: ['Colt', 'Barrett'] } },
];

describe('search over the in-memory columns', () => {
  it('gives the SQL path’s totals, facets and hits for every reader', async () => {
    let compared = 0;
    for (const [who, reader] of people) {
      for (const q of queries) {
        const fromColumns = await fts5Search(q, reader);
        const fromSql = await fts5Search(q, reader, rawClient());
        const label = `${who} ${JSON.stringify(q)}`;
        expect(fromColumns.total, label).toBe(fromSql.total);
        expect(fromColumns.facets, label).toEqual(fromSql.facets);
        expect(
          fromColumns.hits.map((h) => h.id),
          label,
        ).toEqual(fromSql.hits.map((h) => h.id));
        expect(fromColumns.correction, label).toEqual(fromSql.correction);
        if (fromSql.total > 0) compared++;
      }
    }
    // Most of the comparisons are over non-empty results (a visitor sees no seizure).
    expect(compared).toBeGreaterThan((people.length - 1) * (queries.length - 3));
  }, 120_000);

  it('never counts a seizure for a reader outside its scope', async () => {
    const list = generateSeizures(SEIZURES, 1);
    const sedenaOnly = list.find((s) => s.scope.join(' ') === 'agency:SEDENA' && s.firearms.some((f) => f.serial));
    expect(sedenaOnly).toBeDefined();
    const serial = sedenaOnly?.firearms.find((f) => f.serial)?.serial ?? '';
    const seen = await fts5Search({ text: serial }, readers.sedena);
    expect(seen.hits.map((h) => h.reference)).toContain(sedenaOnly?.reference);
    for (const reader of [readers.atf, readers.fgr, null]) {
      const hidden = await fts5Search({ text: serial }, reader);
      expect(hidden.hits.map((h) => h.reference)).not.toContain(sedenaOnly?.reference);
      expect(hidden.total).toBe(seen.total - 1);
    }
    // The whole index: a SEDENA reader sees more than FGR by exactly the SEDENA-only and
    // country-wide differences; ATF sees no agency:SEDENA seizure in any facet count.
    const atf = await fts5Search({ filters: { agency: ['SEDENA'] } }, readers.atf);
    const atfHits = await fts5Search({ filters: { agency: ['SEDENA'] }, pageSize: 100 }, readers.atf);
    const sedenaScoped = list.filter((s) => s.agencyCode === 'SEDENA' && !s.scope.includes('members'));
    const visibleToAtf = list.filter(
      (s) => s.agencyCode === 'SEDENA' && (s.scope.includes('members') || s.scope.includes('agency:ATF') || s.scope.includes('country:US')),
    );
    expect(sedenaScoped.length).toBeGreaterThan(0);
    expect(atf.total).toBe(visibleToAtf.length);
    expect(atf.facets.agency.find((a) => a.value === 'SEDENA')?.count).toBe(visibleToAtf.length);
    expect(atfHits.hits.length).toBe(Math.min(100, visibleToAtf.length));
  }, 60_000);
});
