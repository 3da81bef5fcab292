import { describe, expect, it } from 'vitest';
import { isAgencyCode, isIsoDate, isoDateOrUndefined } from '#src/domain/patterns.ts';
import { withAgency } from '#src/lib/agencies.ts';
import { allOf, oneOf, pageParam } from '#src/lib/query-params.ts';
import { parseMetricsAgency, parseRequestListQuery, requestListSearch } from '#src/lib/request-query.ts';
import { isScopeToken } from '#src/server/access.ts';
import { escapeHtml } from '#src/server/html.ts';

describe('the shared patterns', () => {
  it('takes a day that exists as YYYY-MM-DD and nothing else', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    for (const bad of ['2025-02-29', '2025-02-30', '2025-13-01', '2025-1-01', '2025-01-01T00:00', ' 2025-01-01', '', null, undefined])
      expect(isIsoDate(bad), String(bad)).toBe(false);
    expect(isoDateOrUndefined('2025-06-30')).toBe('2025-06-30');
    expect(isoDateOrUndefined('2025-06-31')).toBeUndefined();
  });

  it('takes an agency code in upper case, 2 to 20 characters, and scope tokens built on it', () => {
    for (const code of ['ATF', 'ICE-HSI', 'MP-GT', 'PNC2']) expect(isAgencyCode(code), code).toBe(true);
    for (const bad of ['atf', 'A', 'A'.repeat(21), 'ATF HSI', 'ATF;', '', null]) expect(isAgencyCode(bad), String(bad)).toBe(false);
    expect(isScopeToken('agency:ICE-HSI')).toBe(true);
    expect(isScopeToken('agency:ice-hsi')).toBe(false);
    expect(isScopeToken('agency:')).toBe(false);
    expect(isScopeToken('country:MX')).toBe(true);
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and attribute values, and only those', () => {
    expect(escapeHtml(`<a href="x" title='y'>Tom & Jerry</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;',
    );
    expect(escapeHtml('Ñandú «arma» 1,5 %')).toBe('Ñandú «arma» 1,5 %');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });
});

describe('query-string parsing', () => {
  it('keeps only offered values and a sane page number', () => {
    expect(oneOf(['a', 'b'] as const, 'b')).toBe('b');
    expect(oneOf(['a', 'b'] as const, 'c')).toBeUndefined();
    expect(oneOf(['a', 'b'] as const, null)).toBeUndefined();
    expect(allOf(['a', 'b'] as const, ['b', 'x', 'a'])).toEqual(['b', 'a']);
    const page = (q: string) => pageParam(new URLSearchParams(q));
    expect([page(''), page('page=3'), page('page=0'), page('page=-2'), page('page=abc'), page('page=99999')]).toEqual([
      1, 3, 1, 1, 1, 10_000,
    ]);
  });

  it('reads the request list as its page and export both do, and writes it back without the page or bogus values', () => {
    const q = parseRequestListQuery(
      new URLSearchParams('box=outbox&status=bogus&priority=urgent&type=firearm_trace&counterpart=ZZZ&overdue=1&sort=priority&page=4'),
      ['FGR', 'SEDENA'],
    );
    expect(q).toEqual({
      box: 'outbox',
      status: undefined,
      priority: 'urgent',
      type: 'firearm_trace',
      counterpart: undefined,
      overdue: true,
      sort: 'priority',
      page: 4,
    });
    expect(requestListSearch(q).toString()).toBe('box=outbox&priority=urgent&type=firearm_trace&overdue=1&sort=priority');
    expect(requestListSearch(q, true).get('page')).toBe('4');
    const defaults = parseRequestListQuery(new URLSearchParams('box=everything&counterpart=FGR'), ['FGR']);
    expect(defaults).toMatchObject({ box: 'inbox', sort: 'due', page: 1, overdue: false, counterpart: 'FGR' });
    expect(requestListSearch(defaults).toString()).toBe('box=inbox&counterpart=FGR');
  });

  it('reads the metrics agency: none means mine, empty or unknown means all, a known code that agency', () => {
    const known = new Map([
      ['ATF', 'ATF'],
      ['FGR', 'FGR'],
    ]);
    const reader = { agencyCode: 'ATF' };
    const agency = (q: string) => parseMetricsAgency(new URLSearchParams(q), reader, known);
    expect([agency(''), agency('agency='), agency('agency=FGR'), agency('agency=ZZZ'), agency('agency=fgr')]).toEqual([
      'ATF',
      null,
      'FGR',
      null,
      null,
    ]);
  });
});

describe('withAgency', () => {
  it('names the agency once, after a name that does not already carry it', () => {
    expect(withAgency('Dana Whitfield', 'ATF')).toBe('Dana Whitfield (ATF)');
    expect(withAgency('Lucía Ramírez Ochoa (FGR)', 'FGR')).toBe('Lucía Ramírez Ochoa (FGR)');
    expect(withAgency('Ana Lucía Pérez (MP Guatemala)', 'MP-GT')).toBe('Ana Lucía Pérez (MP Guatemala)');
    expect(withAgency('Ana Pérez (enlace) de turno', 'MP-GT')).toBe('Ana Pérez (enlace) de turno (MP-GT)');
    expect(withAgency(null, 'SSPC')).toBe('SSPC');
  });
});
