/**
 * One behaviour for every search engine. FTS5 always runs; Meilisearch runs only when
 * MEILISEARCH_URL points at a server (it needs one), into a throwaway index.
 */
import { describe, expect, it } from 'vitest';
import { csv, readers, row } from '#tests/fixtures/seizures/helpers.ts';
import { CONTRACT_ROWS, searchContractSuites } from '#tests/helpers/search-contract.ts';
import { fts5Engine } from '#src/server/search/fts5.ts';
import { delegations } from '#src/server/search/meilisearch.ts';
import type { SearchEngine } from '#src/server/search/types.ts';
import type { Reader } from '#src/server/access.ts';
import { rawClient } from '#src/server/db.ts';
import { allRows, col, runRaw } from '#src/server/sql.ts';

const FILE = csv(
  ...CONTRACT_ROWS,
  row({
    reference: 'C-CMX',
    state: 'Ciudad de México',
    agency: 'SEDENA',
    summary_es: 'Cuerno de chivo asegurado en la colonia Centro',
    summary_en: 'AK-pattern rifle seized downtown',
    firearm_type: 'Subfusil',
    manufacturer: 'Norinco',
    model: 'Type 56',
    calibre: '7,62 x 39 mm',
    serial: 'CMX00042',
    visibility: 'agency:SEDENA',
    case_file: 'CF-5',
    date: '2019-06-07',
  }),
);

function contract(name: string, engine: () => SearchEngine) {
  describe(`search contract: ${name}`, () => {
    it('returns the visible seizures with totals and facets', async () => {
      const r = await engine().search({}, readers.fgr);
      expect(r.total).toBe(3);
      expect(r.hits.map((h) => h.reference)).toEqual(['C-FGR', 'C-TAM', 'C-MIC']); // date_desc without text
      expect(r.facets.state.find((b) => b.value === 'MX-MIC')).toMatchObject({ count: 1, label: 'Michoacán' });
      expect(r.facets.firearmType.map((b) => [b.value, b.count]).sort()).toEqual([
        ['pistol', 2],
        ['rifle', 2],
      ]);
      expect(r.facets.year.map((b) => b.value)).toEqual(['2023', '2022', '2021']);
    });

    it('applies access tokens to hits, totals and facets', async () => {
      const atf = await engine().search({}, readers.atf);
      expect(atf.hits.map((h) => h.reference).sort()).toEqual(['C-ATF', 'C-MIC', 'C-TAM']);
      expect(atf.facets.state.map((b) => b.value)).not.toContain('MX-GRO');
      expect((await engine().search({ text: 'guerrero' }, readers.atf)).total).toBe(0);
      expect((await engine().search({}, readers.admin)).total).toBe(5);
    });

    it('folds accents and finds serial prefixes', async () => {
      expect((await engine().search({ text: 'michoacan' }, readers.fgr)).hits.map((h) => h.reference)).toEqual(['C-MIC']);
      expect((await engine().search({ text: 'TAMP0001' }, readers.fgr)).hits.map((h) => h.reference)).toEqual(['C-TAM']);
      expect((await engine().search({ text: 'MICH555' }, readers.fgr)).hits.map((h) => h.reference)).toEqual(['C-MIC']);
    });

    it('filters by facets and dates, and counts facets over the filtered set', async () => {
      const r = await engine().search({ filters: { manufacturer: ['Glock'], calibre: ['9mm'] } }, readers.fgr);
      expect(r.hits.map((h) => h.reference).sort()).toEqual(['C-MIC', 'C-TAM']);
      expect(r.facets.state.map((b) => b.value).sort()).toEqual(['MX-MIC', 'MX-TAM']);
      const dated = await engine().search({ dateFrom: '2022-01-01', dateTo: '2022-12-31' }, readers.fgr);
      expect(dated.hits.map((h) => h.reference)).toEqual(['C-TAM']);
      const year = await engine().search({ filters: { year: ['2021'] } }, readers.fgr);
      expect(year.hits.map((h) => h.reference)).toEqual(['C-MIC']);
    });

    it('highlights with <mark> in escaped HTML', async () => {
      const r = await engine().search({ text: 'reynosa' }, readers.fgr);
      expect(r.hits.find((h) => h.reference === 'C-TAM')?.snippet).toMatch(/<mark>Reynosa<\/mark>/i);
    });

    it('finds inflections and the other language: fusiles, rifles, pistol, handgun', async () => {
      const refs = async (text: string, reader: Reader = readers.fgr) =>
        (await engine().search({ text }, reader)).hits.map((h) => h.reference).sort();
      expect(await refs('fusil')).toEqual(['C-FGR', 'C-MIC']);
      expect(await refs('fusiles')).toEqual(['C-FGR', 'C-MIC']);
      expect(await refs('rifles')).toEqual(['C-FGR', 'C-MIC']);
      expect(await refs('pistol')).toEqual(['C-MIC', 'C-TAM']);
      expect(await refs('handguns')).toEqual(['C-MIC', 'C-TAM']);
      expect(await refs('pistolas glock')).toEqual(['C-MIC', 'C-TAM']);
    });

    it('knows calibres, model families and places however they are written', async () => {
      const refs = async (text: string, reader: Reader = readers.admin) =>
        (await engine().search({ text }, reader)).hits.map((h) => h.reference).sort();
      for (const text of ['9 mm', '9x19', '9mm Parabellum']) expect(await refs(text), text).toEqual(['C-MIC', 'C-TAM']);
      for (const text of ['7.62x39', '7.62 x 39', '762', 'AK47', 'AK-47', 'cuerno de chivo', 'kalashnikov'])
        expect(await refs(text), text).toEqual(['C-CMX']);
      for (const text of ['AR15', 'AR-15']) expect(await refs(text), text).toEqual(['C-ATF', 'C-FGR', 'C-MIC']);
      for (const text of ['cdmx', 'ciudad de mexico', 'Distrito Federal', 'Mexico City']) expect(await refs(text), text).toEqual(['C-CMX']);
      // The import took "Subfusil" as the one submachine-gun type.
      expect(await refs('subametralladora')).toEqual(['C-CMX']);
    });

    it('understands quoted phrases, -word and OR, and never fails on engine syntax', async () => {
      const refs = async (text: string) => (await engine().search({ text }, readers.admin)).hits.map((h) => h.reference).sort();
      expect(await refs('pistola -tamp0001')).toEqual(['C-MIC']);
      expect(await refs('laredo OR uruapan')).toEqual(['C-ATF', 'C-MIC']);
      expect(await refs('"asegurados en uruapan"')).toEqual(['C-MIC']);
      expect(await refs('"uruapan asegurados"')).toEqual([]);
      for (const text of ['NEAR(a b)', 'a:b', '*', '(((', '"', 'OR', 'AND NOT', '-', 'filter = x', 'summaryEs:x'])
        await expect(engine().search({ text }, readers.admin), text).resolves.toHaveProperty('total');
    });

    it('finds a misspelt word, and never by a word only hidden seizures hold', async () => {
      const r = await engine().search({ text: 'Michoacna' }, readers.fgr);
      expect(r.hits.map((h) => h.reference)).toEqual(['C-MIC']);
      if (name === 'fts5') expect(r.correction).toEqual({ original: 'Michoacna', corrected: 'Michoacán' });
      // "Guerrera" is one letter from "Guerrero", which only an FGR-only seizure holds.
      const atf = await engine().search({ text: 'Guerrera' }, readers.atf);
      expect(atf.total).toBe(0);
      expect(atf.correction).toBeUndefined();
      expect((await engine().search({ text: 'Michoacna', correct: false }, readers.fgr)).total).toBe(0);
    });

    it("shows snippets in the reader's language, marking the matched words", async () => {
      const es = await engine().search({ text: 'reynosa', lang: 'es' }, readers.fgr);
      expect(es.hits.find((h) => h.reference === 'C-TAM')?.snippet).toBe('Pistola en <mark>Reynosa</mark>');
      const en = await engine().search({ text: 'reynosa', lang: 'en' }, readers.fgr);
      expect(en.hits.find((h) => h.reference === 'C-TAM')?.snippet).toBe('Seizure in <mark>Reynosa</mark>');
      // Matched in a firearm, not in the summary: the firearm follows, in the reader's words.
      const serial = await engine().search({ text: 'TAMP0001', lang: 'en' }, readers.fgr);
      expect(serial.hits[0]?.snippet).toContain('Serial number: <mark>TAMP0001</mark>');
      expect(serial.hits[0]?.snippet).not.toMatch(/GLOCK|AT pistol/);
    });

    it('keeps the other values of a facet visible when one is chosen (OR within a facet)', async () => {
      const r = await engine().search({ filters: { agency: ['FGR'] } }, readers.admin);
      expect(r.total).toBe(3);
      expect(r.facets.agency.map((b) => [b.value, b.count]).sort()).toEqual([
        ['ATF', 1],
        ['FGR', 3],
        ['SEDENA', 1],
      ]);
      const both = await engine().search({ filters: { agency: ['FGR', 'SEDENA'] } }, readers.admin);
      expect(both.total).toBe(4);
      // Other facets count the chosen set only.
      expect(both.facets.country.map((b) => [b.value, b.count])).toEqual([['MX', 4]]);
      const states = await engine().search({ filters: { state: ['MX-MIC'], agency: ['FGR'] } }, readers.admin);
      expect(states.total).toBe(1);
      expect(states.facets.state.map((b) => b.value).sort()).toEqual(['MX-GRO', 'MX-MIC', 'MX-TAM']);
      expect(states.facets.agency.map((b) => [b.value, b.count])).toEqual([['FGR', 1]]);
    });

    it('sorts by number of firearms and paginates', async () => {
      const r = await engine().search({ sort: 'firearms_desc', pageSize: 1 }, readers.fgr);
      expect(r.hits.map((h) => h.reference)).toEqual(['C-MIC']);
      expect(r.total).toBe(3);
      const p2 = await engine().search({ sort: 'date_asc', pageSize: 2, page: 2 }, readers.fgr);
      expect(p2.hits.map((h) => h.reference)).toEqual(['C-FGR']);
    });
  });
}

searchContractSuites({
  files: [{ csv: FILE }],
  standInIndex: 'seizures_contract',
  liveIndexPrefix: 'seizures_test',
  hookTimeoutMs: 120_000,
  contract,
  onStandIn: (standIn) => {
    it('gives the answers FTS5 gives to OR, glossary synonyms, related calibres and exclusions, by itself', async () => {
      const { engine, fake } = standIn();
      const queries = [
        'fusiles',
        'rifle OR pistola',
        'laredo OR uruapan',
        '7.62x39',
        '.223',
        '9mm OR 7.62x39',
        'obliterated',
        'serie borrada',
        'filed off',
        'pistola -rifles',
        'asegurados -fusil',
        'MICH555 OR LARE0001',
      ];
      for (const reader of [readers.admin, readers.atf]) {
        for (const text of queries) {
          const filters = { agency: ['FGR', 'ATF'] };
          for (const query of [{ text }, { text, filters }]) {
            const want = await fts5Engine.search(query, reader);
            const got = await engine.search(query, reader);
            const view = (r: typeof want) => ({ total: r.total, refs: r.hits.map((h) => h.reference).sort(), facets: r.facets });
            expect(view(got), `${text} ${JSON.stringify(query.filters ?? {})}`).toEqual(view(want));
          }
        }
      }
      const last = fake.requests.filter((r) => r.path === '/multi-search').at(-1)?.body as { queries: { q: string; filter: string[] }[] };
      // "MICH555 OR LARE0001": one filter of alternatives, nothing left for q.
      expect(last.queries[0]?.q).toBe('');
      expect(last.queries[0]?.filter.at(-1)).toBe(
        'stemKeys IN ["mich555", "lare0001"] OR compactTerms IN ["mich555", "lare0001"] OR serialPrefixes IN ["mich555", "lare0001"]',
      );
    });

    it('hands queries with alternatives to FTS5 while the live index was built by an older portal', async () => {
      const { engine } = standIn();
      const saved = await allRows(rawClient(), { value: col.text }, `SELECT value FROM search_state WHERE key = 'index-info:seizure'`);
      expect(saved).toHaveLength(1);
      await runRaw(rawClient(), `DELETE FROM search_state WHERE key = 'index-info:seizure'`);
      try {
        const before = delegations.count;
        const r = await engine.search({ text: 'uruapan' }, readers.admin).catch((e: unknown) => e);
        expect(r).toHaveProperty('total', 1); // one form: Meilisearch answers
        await expect(engine.search({ text: 'laredo OR uruapan' }, readers.admin)).rejects.toThrow(/handed to FTS5/);
        expect(delegations.count).toBe(before + 1);
      } finally {
        await runRaw(rawClient(), `INSERT INTO search_state (key, value, updated_at) VALUES ('index-info:seizure', ?, 0)`, [
          saved[0]?.value ?? '',
        ]);
      }
    });

    it('answers these queries itself: nothing is handed to FTS5', async () => {
      const { engine, fake } = standIn();
      const before = delegations.count;
      await engine.search({ filters: { agency: ['FGR'], state: ['MX-MIC'] }, text: 'uruapan' }, readers.admin);
      expect(delegations.count).toBe(before);
      // One multi-search: the hits with the unchosen facets, and one count per chosen facet.
      const multi = fake.requests.filter((r) => r.path === '/multi-search').at(-1)?.body as {
        queries: { filter: string[]; facets: string[]; hitsPerPage: number }[];
      };
      expect(multi.queries.map((q) => [q.facets, q.hitsPerPage])).toEqual([
        [['country', 'year', 'firearmType', 'calibre', 'manufacturer', 'traceStatus'], 20],
        [['state'], 0],
        [['agency'], 0],
      ]);
      expect(multi.queries[1]?.filter).toEqual(['agency IN ["FGR"]']);
      expect(multi.queries[2]?.filter).toEqual(['state IN ["MX-MIC"]']);
    });
  },
});
