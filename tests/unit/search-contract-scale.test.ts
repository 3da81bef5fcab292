/**
 * The search contract at scale (search-contract.test.ts holds the text analysis cases): the same
 * behaviour from every engine. FTS5 always runs; Meilisearch only when MEILISEARCH_URL points at
 * a server (it needs one), into a throwaway index.
 *
 * Besides a small fixture, a Belizean batch of 1,200 seizures (visible to BPD and admins only)
 * shows what a small fixture cannot: exact totals and deep pages past 1,000 hits, more than 500
 * manufacturers with the most frequent kept, a strict date order under text, ties broken by id.
 */
import { describe, expect, it } from 'vitest';
import { csv, readers, row } from '#tests/fixtures/seizures/helpers.ts';
import { CONTRACT_ROWS, searchContractSuites } from '#tests/helpers/search-contract.ts';
import type { Reader } from '#src/server/access.ts';
import type { SearchEngine, SearchHit } from '#src/server/search/types.ts';

const FILE = csv(...CONTRACT_ROWS);

/** 1,200 Belizean seizures: every one mentions "lote"; even ones are Glocks, odd ones each have their own manufacturer. */
const BATCH = 1200;
const batchDate = (i: number) => new Date(Date.UTC(2019, 0, 1) + (i % 300) * 86_400_000).toISOString().slice(0, 10);
const BATCH_FILE = csv(
  ...Array.from({ length: BATCH }, (_, i) =>
    row({
      reference: `BZ-${String(i).padStart(4, '0')}`,
      case_file: `BZ/CF/${i}`,
      state: 'BZ-CY',
      agency: 'BPD',
      visibility: 'agency:BPD',
      summary_es: `Lote de decomiso número ${i} en Cayo`,
      summary_en: `Seizure batch ${i} in Cayo`,
      // Every third one also carries the word in its firearm: a better-ranked field for relevance.
      model: i % 3 === 0 ? 'Lote 7' : 'M4',
      manufacturer: i % 2 === 0 ? 'Glock' : `Fabricante ${String(i).padStart(4, '0')}`,
      serial: `BZS${String(i).padStart(5, '0')}`,
      date: batchDate(i),
    }),
  ),
);

const bpd: Reader = { id: 'u-bpd', role: 'member', agencyCode: 'BPD', agencyCountry: 'BZ' };

const refs = (hits: SearchHit[]) => hits.map((h) => h.reference);

function contract(name: string, engine: () => SearchEngine) {
  describe(`search contract: ${name}`, () => {
    it('applies access tokens to hits, totals, facets and text (the access matrix)', async () => {
      const matrix: [string, Reader | null, string[]][] = [
        ['visitor', null, []],
        ['FGR member', readers.fgr, ['C-FGR', 'C-MIC', 'C-TAM']],
        ['SEDENA member', readers.sedena, ['C-MIC', 'C-TAM']],
        ['FGR editor', readers.editor, ['C-FGR', 'C-MIC', 'C-TAM']],
        ['ATF member', readers.atf, ['C-ATF', 'C-MIC', 'C-TAM']],
      ];
      for (const [who, reader, visible] of matrix) {
        const r = await engine().search({ pageSize: 100 }, reader);
        expect(refs(r.hits).sort(), who).toEqual(visible);
        expect(r.total, who).toBe(visible.length);
        const agencies = r.facets.agency.map((b) => `${b.value}:${b.count}`).sort();
        expect(agencies, who).toEqual(
          visible.length
            ? [...(visible.includes('C-ATF') ? ['ATF:1'] : []), `FGR:${visible.length - (visible.includes('C-ATF') ? 1 : 0)}`]
            : [],
        );
        // Hidden seizures are not found by their text, place or serial either.
        for (const q of ['guerrero', 'GUER0001', 'laredo', 'LARE0001', 'lote', 'BZS00001']) {
          const found = await engine().search({ text: q }, reader);
          const expected = { guerrero: 'C-FGR', GUER0001: 'C-FGR', laredo: 'C-ATF', LARE0001: 'C-ATF', lote: 'BZ', BZS00001: 'BZ' }[q];
          if (!visible.some((v) => expected && v.startsWith(expected))) expect(found.total, `${who} ${q}`).toBe(0);
        }
      }
      const admin = await engine().search({}, readers.admin);
      expect(admin.total).toBe(4 + BATCH);
      expect((await engine().search({ text: 'lote' }, bpd)).total).toBe(BATCH);
      expect((await engine().search({ text: 'uruapan' }, bpd)).total).toBe(1); // members-wide seizure
    });

    it('folds accents and finds serial prefixes, in any position of the query', async () => {
      expect(refs((await engine().search({ text: 'michoacan' }, readers.fgr)).hits)).toEqual(['C-MIC']);
      expect(refs((await engine().search({ text: 'TAMP0001' }, readers.fgr)).hits)).toEqual(['C-TAM']);
      expect(refs((await engine().search({ text: 'MICH555' }, readers.fgr)).hits)).toEqual(['C-MIC']);
      expect(refs((await engine().search({ text: 'MICH555 glock' }, readers.fgr)).hits)).toEqual(['C-MIC']);
      expect(refs((await engine().search({ text: 'glock MICH555' }, readers.fgr)).hits)).toEqual(['C-MIC']);
    });

    it('never matches a serial number by a near miss', async () => {
      expect((await engine().search({ text: 'TAMP0002' }, readers.fgr)).total).toBe(0);
      expect((await engine().search({ text: 'MICH5553' }, readers.fgr)).total).toBe(0);
    });

    it('requires every word: one word that matches nothing means no results', async () => {
      expect((await engine().search({ text: 'uruapan' }, readers.fgr)).total).toBe(1);
      expect((await engine().search({ text: 'uruapan zxqwvy' }, readers.fgr)).total).toBe(0);
      expect((await engine().search({ text: 'zxqwvy uruapan' }, readers.fgr)).total).toBe(0);
    });

    it('finds a seizure by the name of its country, in either language', async () => {
      expect(refs((await engine().search({ text: 'estados unidos' }, readers.atf)).hits)).toEqual(['C-ATF']);
      expect(refs((await engine().search({ text: 'united states' }, readers.atf)).hits)).toEqual(['C-ATF']);
      expect((await engine().search({ text: 'belice' }, bpd)).total).toBe(BATCH);
    });

    it('keeps a chosen date order strictly under text, ties broken by id', async () => {
      for (const sort of ['date_asc', 'date_desc'] as const) {
        const hits = (await engine().search({ text: 'lote', sort, pageSize: 100 }, bpd)).hits;
        expect(hits).toHaveLength(100);
        for (let k = 1; k < hits.length; k++) {
          const [a, b] = [hits[k - 1], hits[k]];
          if (!a || !b) continue;
          const order = sort === 'date_asc' ? a.date.localeCompare(b.date) : b.date.localeCompare(a.date);
          expect(order, `${sort} ${a.reference} ${b.reference}`).toBeLessThanOrEqual(0);
          if (a.date === b.date)
            expect(sort === 'date_asc' ? a.id < b.id : a.id > b.id, `${sort} tie ${a.reference} ${b.reference}`).toBe(true);
        }
      }
      // The same order as without text (the sort decides, not the relevance).
      const withText = await engine().search({ text: 'lote', sort: 'date_asc', pageSize: 50 }, bpd);
      const without = await engine().search({ sort: 'date_asc', pageSize: 50, filters: { country: ['BZ'] } }, bpd);
      expect(refs(withText.hits)).toEqual(refs(without.hits));
    });

    it('counts more than 1,000 hits exactly and pages deep without overlap', async () => {
      const seen = new Set<number>();
      for (let page = 1; page <= BATCH / 100; page++) {
        const r = await engine().search({ text: 'lote', page, pageSize: 100 }, bpd);
        expect(r.total).toBe(BATCH);
        expect(r.hits).toHaveLength(100);
        for (const h of r.hits) seen.add(h.id);
      }
      expect(seen.size).toBe(BATCH);
      const last = await engine().search({ text: 'lote', sort: 'date_desc', page: 60, pageSize: 20 }, bpd);
      expect(last.hits).toHaveLength(20);
      expect((await engine().search({ text: 'lote', page: 61, pageSize: 20 }, bpd)).hits).toHaveLength(0);
    });

    it('keeps the most frequent of more than 500 manufacturers, by count', async () => {
      const r = await engine().search({ text: 'lote' }, bpd);
      const manufacturers = r.facets.manufacturer;
      expect(manufacturers[0]).toMatchObject({ value: 'Glock', count: BATCH / 2 });
      expect(manufacturers).toHaveLength(BATCH / 2 + 1);
      expect(manufacturers.find((b) => b.value === 'Fabricante 1199')).toMatchObject({ count: 1 });
    });
  });
}

searchContractSuites({
  files: [{ csv: FILE }, { csv: BATCH_FILE, name: 'belize.csv' }],
  standInIndex: 'seizures_scale',
  liveIndexPrefix: 'seizures_scale',
  hookTimeoutMs: 120_000,
  contract,
});
