import { describe, expect, it } from 'vitest';
import {
  buildMeiliQuery,
  compactTerms,
  containedPhrases,
  glossaryPhrases,
  indexedForms,
  SEIZURE_DOC_FORMAT,
  UnsupportedQuery,
  MEILI_SETTINGS,
  serialPrefixes,
  sizedFacetLimit,
  toMeiliQuery,
} from '#src/server/search/meilisearch.ts';
import { settingsDiff } from '#src/server/search/remote-index.ts';
import { analyseQuery, glossarySynonyms } from '#src/server/text/index.ts';

const meiliQ = (text: string) => toMeiliQuery(analyseQuery(text, glossarySynonyms())).q;
// What a live index built by this portal knows: today's glossary phrases.
const known = indexedForms({ format: SEIZURE_DOC_FORMAT, phrases: glossaryPhrases() });
const meiliWith = (text: string) => toMeiliQuery(analyseQuery(text, glossarySynonyms()), known);
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

  it('counts a chosen facet without its own filter (disjunctive, as FTS5), in requests of its own', () => {
    const { q, params, facetQueries } = buildMeiliQuery(
      { text: 'uruapan', filters: { state: ['MX-MIC'], manufacturer: ['Glock', 'Colt'] }, dateFrom: '2021-01-01' },
      readers.fgr,
    );
    const scope = 'scope IN ["public", "members", "country:MX", "agency:FGR"]';
    // The hits and the facets nobody chose: every filter.
    expect(params.filter).toEqual([scope, 'state IN ["MX-MIC"]', 'manufacturer IN ["Glock", "Colt"]', 'dateNum >= 20210101']);
    expect(params.facets).toEqual(['country', 'agency', 'year', 'firearmType', 'calibre', 'traceStatus']);
    // Each chosen facet: everything but its own values (access, text and dates always), no documents.
    expect(facetQueries.map((f) => [f.field, f.params.facets, f.params.filter, f.params.hitsPerPage])).toEqual([
      ['state', ['state'], [scope, 'manufacturer IN ["Glock", "Colt"]', 'dateNum >= 20210101'], 0],
      ['manufacturer', ['manufacturer'], [scope, 'state IN ["MX-MIC"]', 'dateNum >= 20210101'], 0],
    ]);
    for (const f of facetQueries)
      expect(f.params).toMatchObject({ matchingStrategy: 'all', attributesToSearchOn: params.attributesToSearchOn });
    expect(q).toBe('"uruap"');
    // No facet chosen: one request.
    expect(buildMeiliQuery({ text: 'uruapan' }, readers.fgr).facetQueries).toEqual([]);
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

  it('turns alternatives (OR, glossary synonyms, related calibres) into one filter of exact analysed forms per group', () => {
    expect(meiliWith('glock OR colt')).toEqual({ q: '', filter: ['stemKeys IN ["glock", "colt"]'] });
    // Reynosa stays a ranked term; the OR group is a filter beside it.
    expect(meiliWith('reynosa glock OR colt')).toEqual({ q: '"reynos"', filter: ['stemKeys IN ["glock", "colt"]'] });
    // A glossary term: every synonym, one word as a stem key, several words as a phrase the index was built with.
    const obliterated = meiliWith('obliterated');
    expect(obliterated.q).toBe('');
    expect(obliterated.filter).toHaveLength(1);
    expect(obliterated.filter[0]).toMatch(/^stemKeys IN \[.*"obliter".*\] OR stemPhrases IN \[.*"numer de seri borr".*\]$/);
    // A calibre and its related calibres, by concept token.
    const ak = meiliWith('7.62x39');
    expect(ak.filter).toHaveLength(1);
    expect(ak.filter[0]).toMatch(/^concepts IN \["xc762x39", .+\]$/);
    // Serial starts in an OR: compact forms and serial prefixes too.
    expect(meiliWith('MICH555 OR LARE0001').filter).toEqual([
      'stemKeys IN ["mich555", "lare0001"] OR compactTerms IN ["mich555", "lare0001"] OR serialPrefixes IN ["mich555", "lare0001"]',
    ]);
    // Excluding a term with synonyms excludes each form.
    const excluded = meiliWith('reynosa -fusil');
    expect(excluded.q).toBe('"reynos"');
    expect(excluded.filter).toEqual(expect.arrayContaining(['NOT stemKeys = "fusil"', 'NOT stemKeys = "rifl"']));
  });

  it('hands to FTS5 what the live index cannot answer: an index built by an older portal, a phrase it was not built with', () => {
    // No build info (an index built before these fields existed): alternatives need FTS5; one-form queries do not.
    expect(() => toMeiliQuery(analyseQuery('glock OR colt'), null)).toThrow(UnsupportedQuery);
    expect(() => toMeiliQuery(analyseQuery('obliterated', glossarySynonyms()), indexedForms({ format: 1, phrases: [] }))).toThrow(
      UnsupportedQuery,
    );
    expect(toMeiliQuery(analyseQuery('glock reynosa'), null)).toEqual({ q: '"glock" "reynos"', filter: [] });
    // A quoted phrase in an OR is not a glossary phrase: no exact filter form for it.
    expect(() => meiliWith('"asegurados en uruapan" OR laredo')).toThrow(UnsupportedQuery);
    // A glossary phrase added after the index was built.
    const older = indexedForms({ format: SEIZURE_DOC_FORMAT, phrases: glossaryPhrases().filter((p) => p !== 'numer de seri borr') });
    expect(() => toMeiliQuery(analyseQuery('obliterated', glossarySynonyms()), older)).toThrow(UnsupportedQuery);
  });

  it('finds the glossary phrases a text holds, word for word', () => {
    expect(containedPhrases('arma con numer de seri borr y', ['numer de seri borr', 'seri borr', 'de seri lim'])).toEqual([
      'numer de seri borr',
      'seri borr',
    ]);
    expect(containedPhrases('xnumer de seri borr', ['numer de seri borr'])).toEqual([]);
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
