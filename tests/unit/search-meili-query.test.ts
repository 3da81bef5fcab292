import { describe, expect, it } from 'vitest';
import {
  buildMeiliQuery,
  compactTerms,
  UnsupportedQuery,
  MEILI_SETTINGS,
  serialPrefixes,
  sizedFacetLimit,
  toMeiliQuery,
} from '#src/server/search/meilisearch.ts';
import { settingsDiff } from '#src/server/search/remote-index.ts';
import { analyseQuery, glossarySynonyms } from '#src/server/text/index.ts';

const meiliQ = (text: string) => toMeiliQuery(analyseQuery(text, glossarySynonyms()));
import { readers } from '#tests/fixtures/seizures/helpers.ts';

describe('buildMeiliQuery', () => {
  it("puts the reader's tokens into the filter and asks for every word", () => {
    const { q, params } = buildMeiliQuery({ text: 'michoacan' }, readers.fgr);
    expect(q).not.toBe('');
    // Terms are matched against the analysed fields only (stems, concepts, compact forms, serial prefixes).
    expect(params.attributesToSearchOn).toEqual(['stems', 'concepts', 'compactTerms', 'serialPrefixes']);
    expect(params.filter).toEqual(['scope IN ["public", "members", "country:MX", "agency:FGR"]']);
    expect(params.sort).toBeUndefined(); // relevance with text
    // Meilisearch's default ("last") drops words from the end until something matches; FTS5 ANDs them.
    expect(params.matchingStrategy).toBe('all');
  });

  it('has no scope filter for admins, and a public-only filter for visitors', () => {
    expect(buildMeiliQuery({}, readers.admin).params.filter).toEqual([]);
    expect(buildMeiliQuery({}, null).params.filter).toEqual(['scope IN ["public"]']);
  });

  it('turns facets and dates into filters, quoting values', () => {
    const { params } = buildMeiliQuery(
      {
        filters: { state: ['MX-TAM', 'MX-SIN'], manufacturer: ['Smith & Wesson', 'Say "hi"'], year: [2021] },
        dateFrom: '2021-01-01',
        dateTo: '2021-06-30',
        sort: 'date_asc',
      },
      readers.atf,
    );
    expect(params.filter).toEqual([
      'scope IN ["public", "members", "country:US", "agency:ATF"]',
      'state IN ["MX-TAM", "MX-SIN"]',
      'year IN ["2021"]',
      'manufacturer IN ["Smith & Wesson", "Say \\"hi\\""]',
      'dateNum >= 20210101',
      'dateNum <= 20210630',
    ]);
    expect(params.sort).toEqual(['dateNum:asc', 'id:asc']);
  });

  it('sorts as FTS5 does, with the id as the last tie-break, and pages', () => {
    expect(buildMeiliQuery({}, readers.fgr).params.sort).toEqual(['dateNum:desc', 'id:desc']);
    expect(buildMeiliQuery({ text: 'glock', sort: 'date_desc' }, readers.fgr).params.sort).toEqual(['dateNum:desc', 'id:desc']);
    expect(buildMeiliQuery({ sort: 'firearms_desc' }, readers.fgr).params.sort).toEqual(['firearmCount:desc', 'dateNum:desc', 'id:desc']);
    // Text that leaves no term (only punctuation) sorts like no text, as FTS5 does.
    expect(buildMeiliQuery({ text: '!!!' }, readers.fgr).params.sort).toEqual(['dateNum:desc', 'id:desc']);
    const { params } = buildMeiliQuery({ page: 3, pageSize: 500 }, readers.fgr);
    expect(params.page).toBe(3);
    expect(params.hitsPerPage).toBe(100);
    expect(params.facets).toEqual(['country', 'state', 'agency', 'year', 'firearmType', 'calibre', 'manufacturer', 'traceStatus']);
  });

  it('ignores malformed dates', () => {
    expect(buildMeiliQuery({ dateFrom: '2021-13', dateTo: '1; DROP' }, readers.admin).params.filter).toEqual([]);
  });
});

describe('toMeiliQuery: the analysed query (src/server/text), term for term as FTS5 matches it', () => {
  it('makes every term one exact phrase: serial starts in any position, stem keys, concept tokens, exclusions', () => {
    expect(meiliQ('MICH555 glock')).toBe('"mich555" "glock"');
    expect(meiliQ('glock AB-12345')).toBe('"glock" "ab12345"');
    expect(meiliQ('TAMP0002')).toBe('"tamp0002"');
    expect(meiliQ('"punto de revisión" reynosa')).toBe('"punt de revis" "reynos"');
    expect(meiliQ('-reynosa glock')).toBe('"glock" -"reynos"');
    expect(meiliQ('AK-47')).toMatch(/^"x\w+"$/);
  });

  it('refuses what Meilisearch cannot express as FTS5 does (OR, glossary synonyms, related calibres): FTS5 answers those', () => {
    expect(() => meiliQ('glock OR colt')).toThrow(UnsupportedQuery);
    expect(() => meiliQ('obliterated')).toThrow(UnsupportedQuery);
    expect(() => meiliQ('7.62x39')).toThrow(UnsupportedQuery);
  });

  it('indexes the compact forms and parts of words with a digit, and every serial prefix with a digit', () => {
    expect(compactTerms('Colt AR-15, calibre 7.62x39', null).sort()).toEqual(['15', '62x39', '7', '762x39', 'ar', 'ar15'].sort());
    expect(serialPrefixes('MICH5551 LE-100001 LE100001')).toEqual(
      expect.arrayContaining(['mich5', 'mich55', 'mich555', 'mich5551', '100', '1000', '100001', 'le1', 'le10', 'le100001']),
    );
    // No prefix without a digit (FTS5 finds serial prefixes only for terms with a digit).
    expect(serialPrefixes('MICH5551')).not.toContain('mic');
    expect(serialPrefixes('MICH5551')).not.toContain('mich');
  });
});

describe('Meilisearch settings', () => {
  it('puts a chosen sort before relevance, breaks ties by date and id, and never fuzzes serials', () => {
    expect(MEILI_SETTINGS.rankingRules[0]).toBe('sort');
    expect(MEILI_SETTINGS.rankingRules.slice(-2)).toEqual(['dateNum:desc', 'id:desc']);
    // Misspellings are corrected before searching, the same way for both engines: no fuzzy matching of its own.
    expect(MEILI_SETTINGS.typoTolerance.enabled).toBe(false);
    expect(MEILI_SETTINGS.typoTolerance.disableOnAttributes).toEqual(expect.arrayContaining(['serials', 'serialPrefixes', 'compactTerms']));
    expect(MEILI_SETTINGS.prefixSearch).toBe('disabled');
    expect(MEILI_SETTINGS.sortableAttributes).toContain('id');
  });

  it('sizes the facet limit to the largest facet', () => {
    expect(sizedFacetLimit(10)).toBe(500);
    expect(sizedFacetLimit(601)).toBeGreaterThanOrEqual(601);
    expect(sizedFacetLimit(20_000)).toBeGreaterThanOrEqual(20_000);
  });

  it('compares settings the way Meilisearch returns them (sets sorted, defaults ignored)', () => {
    const wanted = { filterableAttributes: ['b', 'a'], rankingRules: ['sort', 'words'], faceting: { maxValuesPerFacet: 600 } };
    const current = {
      filterableAttributes: ['a', 'b'],
      rankingRules: ['sort', 'words'],
      faceting: { maxValuesPerFacet: 600, sortFacetValuesBy: { '*': 'alpha' as const } },
      stopWords: [],
    };
    expect(settingsDiff(current, wanted)).toEqual([]);
    expect(settingsDiff({ ...current, rankingRules: ['words', 'sort'] }, wanted)).toEqual(['rankingRules']);
    expect(settingsDiff({ ...current, faceting: { maxValuesPerFacet: 100 } }, wanted)).toEqual(['faceting.maxValuesPerFacet']);
  });
});
