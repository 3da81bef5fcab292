import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';
import { csv, importCsv, readers, row, seedBasics } from '#tests/fixtures/seizures/helpers.ts';
import { search, searchEngine } from '#src/server/search/index.ts';
import { matchExpressions } from '#src/server/search/fts5-query.ts';
import { analyseQuery } from '#src/server/text/index.ts';
import { generateSeizures } from '#db/seed/seizures.ts';
import { seizuresToCsv } from '#src/server/seizures/import.ts';

let cleanup: () => void;
beforeAll(async () => {
  ({ cleanup } = await useTempDatabase());
  await seedBasics();
  const r = await importCsv(
    csv(
      row({
        reference: 'MIC-1',
        state: 'MX-MIC',
        summary_es: 'Aseguramiento de fusiles en Apatzingán, Michoacán',
        summary_en: 'Rifles seized in Apatzingán, Michoacán',
        serial: 'AB-123456',
      }),
      row({
        reference: 'TAM-1',
        summary_es: 'Cateo en Reynosa <script>alert(1)</script> con armas',
        serial: 'ZX998877',
        case_file: 'CF-2',
      }),
      row({
        reference: 'BAR-1',
        state: 'MX-SIN',
        manufacturer: 'Barrett',
        model: 'M82A1',
        calibre: '.50 BMG',
        summary_es: 'Fusil Barrett calibre .50 en Culiacán',
        serial: 'AA000111',
        case_file: 'CF-3',
        date: '2019-02-01',
      }),
    ),
  );
  expect(r.ok).toBe(true);
});
afterAll(() => cleanup());

describe('FTS5 search', () => {
  it('is the default engine', () => {
    expect(searchEngine().name).toBe('fts5');
  });

  it('folds accents: "michoacan" and "apatzingan" find Michoacán / Apatzingán', async () => {
    for (const text of ['michoacan', 'MICHOACÁN', 'apatzingan']) {
      const r = await search({ text }, readers.fgr);
      expect(r.hits.map((h) => h.reference)).toEqual(['MIC-1']);
    }
    const r = await search({ text: 'michoacan' }, readers.fgr);
    expect(r.hits[0]?.snippet).toContain('<mark>Michoacán</mark>');
  });

  it('finds serials exactly and by prefix, with or without separators', async () => {
    for (const text of ['AB-123456', 'AB123456', 'ab1234', 'zx998', 'ZX998877']) {
      const r = await search({ text }, readers.fgr);
      expect(r.total, text).toBe(1);
    }
    expect((await search({ text: 'zx999' }, readers.fgr)).total).toBe(0);
  });

  it('escapes HTML in snippets and marks matches', async () => {
    const r = await search({ text: 'reynosa' }, readers.fgr);
    const hit = r.hits.find((h) => h.reference === 'TAM-1');
    expect(hit?.snippet).toContain('&lt;script&gt;');
    expect(hit?.snippet).not.toContain('<script>');
    expect(hit?.snippet).toContain('<mark>');
  });

  it('never lets FTS5 operators typed by a reader reach the engine as syntax', async () => {
    // Serials may start with letters: a prefix with a digit matches them.
    expect(matchExpressions(analyseQuery('z9q')).positive).toBe('("z9q" OR serials : "z9q" *)');
    for (const text of [
      'NEAR( ) * ^ : "',
      'a:b',
      'fusil*',
      '((((',
      'OR',
      '-',
      '"unclosed',
      'AND OR NOT',
      'summary : x',
      '""',
      '^reynosa',
      'reynosa NOT',
    ]) {
      await expect(search({ text }, readers.fgr), text).resolves.toHaveProperty('total');
    }
    expect((await search({ text: 'culiacan*' }, readers.fgr)).hits.map((h) => h.reference)).toEqual(['BAR-1']);
  });

  it('counts facets over the current result set and filters by them', async () => {
    const all = await search({}, readers.fgr);
    expect(all.total).toBe(3);
    expect(all.facets.state.map((b) => [b.value, b.count, b.label])).toContainEqual(['MX-MIC', 1, 'Michoacán']);
    expect(all.facets.firearmType).toEqual([{ value: 'rifle', count: 3, label: 'Fusil' }]);
    const barrett = await search({ filters: { manufacturer: ['Barrett'] } }, readers.fgr);
    expect(barrett.hits.map((h) => h.reference)).toEqual(['BAR-1']);
    expect(barrett.facets.calibre).toEqual([{ value: '.50 BMG', count: 1, label: '.50 BMG' }]);
    expect((await search({ filters: { manufacturer: ['Nobody'] } }, readers.fgr)).total).toBe(0);
    expect((await search({ filters: { year: [2019] } }, readers.fgr)).hits.map((h) => h.reference)).toEqual(['BAR-1']);
    expect((await search({ dateFrom: '2023-01-01', dateTo: '2023-12-31' }, readers.fgr)).total).toBe(2);
  });

  it('sorts by date and paginates', async () => {
    const asc = await search({ sort: 'date_asc', pageSize: 1, page: 1 }, readers.fgr);
    expect(asc.hits.map((h) => h.reference)).toEqual(['BAR-1']);
    expect(asc.total).toBe(3);
    const page3 = await search({ sort: 'date_asc', pageSize: 1, page: 3 }, readers.fgr);
    expect(page3.hits).toHaveLength(1);
    expect((await search({ sort: 'date_asc', pageSize: 1, page: 4 }, readers.fgr)).hits).toEqual([]);
  });

  it('ranks a serial match above summary mentions (bm25 with weights)', async () => {
    const list = generateSeizures(300, 7);
    expect((await importCsv(seizuresToCsv(list, 'es'))).ok).toBe(true);
    const owner = list.find((x) => x.firearms.some((f) => f.serial && f.serial.length >= 6));
    const serial = owner?.firearms.find((f) => f.serial && f.serial.length >= 6)?.serial ?? '';
    const r = await search({ text: serial }, readers.admin);
    expect(r.hits[0]?.reference).toBe(owner?.reference);
    expect(r.hits[0]?.snippet).toContain('<mark>');
  });

  it('rebuilds the index from the tables with the same results', async () => {
    const before = await search({ text: 'michoacan barrett', filters: {} }, readers.admin);
    const facetsBefore = (await search({}, readers.admin)).facets;
    await searchEngine().reindex();
    expect(await search({ text: 'michoacan barrett' }, readers.admin)).toEqual(before);
    expect((await search({}, readers.admin)).facets).toEqual(facetsBefore);
  });

  it('generates deterministic demo data', () => {
    expect(generateSeizures(50, 3)).toEqual(generateSeizures(50, 3));
    expect(generateSeizures(50, 3)).not.toEqual(generateSeizures(50, 4));
    const many = generateSeizures(2000, 1);
    const guns = many.flatMap((s) => s.firearms);
    const obliterated = guns.filter((g) => g.obliteratedSerial).length / guns.length;
    expect(obliterated).toBeGreaterThan(0.08);
    expect(obliterated).toBeLessThan(0.16);
    expect(guns.length / many.length).toBeGreaterThan(2.5);
  });
});
