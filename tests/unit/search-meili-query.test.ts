import { describe, expect, it } from 'vitest';
import { buildMeiliQuery } from '#src/server/search/meilisearch.ts';
import { readers } from '#tests/fixtures/seizures/helpers.ts';

describe('buildMeiliQuery', () => {
  it("puts the reader's tokens into the filter", () => {
    const { q, params } = buildMeiliQuery({ text: 'michoacan' }, readers.fgr);
    expect(q).toBe('michoacan');
    expect(params.filter).toEqual(['scope IN ["public", "members", "country:MX", "agency:FGR"]']);
    expect(params.sort).toBeUndefined(); // relevance with text
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
    expect(params.sort).toEqual(['dateNum:asc']);
  });

  it('sorts by date without text, by firearms on request, and pages', () => {
    expect(buildMeiliQuery({}, readers.fgr).params.sort).toEqual(['dateNum:desc']);
    expect(buildMeiliQuery({ sort: 'firearms_desc' }, readers.fgr).params.sort).toEqual(['firearmCount:desc', 'dateNum:desc']);
    const { params } = buildMeiliQuery({ page: 3, pageSize: 500 }, readers.fgr);
    expect(params.page).toBe(3);
    expect(params.hitsPerPage).toBe(100);
    expect(params.facets).toEqual(['country', 'state', 'agency', 'year', 'firearmType', 'calibre', 'manufacturer', 'traceStatus']);
  });

  it('ignores malformed dates', () => {
    expect(buildMeiliQuery({ dateFrom: '2021-13', dateTo: '1; DROP' }, readers.admin).params.filter).toEqual([]);
  });
});
