/**
 * The Meilisearch document engine's request building (src/server/search/documents-meili.ts), pure,
 * without a server: the reader's access is the first filter of every search, the attachments whose
 * post or request the reader may not see are left out by id (`id NOT IN`), the library's tabs and
 * filters become filters, and every attribute a filter names is declared filterable (Meilisearch
 * refuses a search on any other; there is no Meilisearch server here to find that out).
 */
import { describe, expect, it } from 'vitest';
import { documentListAccess, type Reader } from '#src/server/access.ts';
import { buildMeiliDocumentQuery, MEILI_DOCUMENT_SETTINGS } from '#src/server/search/documents-meili.ts';

const fgr: Reader = { id: 'u-fgr-1', role: 'member', agencyCode: 'FGR', agencyCountry: 'MX' };
const admin: Reader = { id: 'u-admin', role: 'admin', agencyCode: 'ATF', agencyCountry: 'US' };
const now = new Date('2026-11-29T10:00:00Z');

/** The attributes a filter expression names (the word before each operator). */
const attributes = (filter: string) => [...filter.matchAll(/(\w+)\s*(?:NOT IN|IN|!=|>=|<=|=|>|<)\s/g)].map((m) => m[1]!);

describe('Meilisearch document search request', () => {
  it('starts with the reader’s access: own documents, or a live share holding one of the reader’s tokens', () => {
    const { params } = buildMeiliDocumentQuery({ text: 'rastreo', now }, fgr);
    const filter = params.filter as string[];
    const access = documentListAccess(fgr);
    if (access.all) throw new Error('a member does not see everything');
    expect(access.tokens.length).toBeGreaterThan(0);
    expect(filter[0]).toBe(
      `(ownerId = "u-fgr-1" OR (scope IN [${access.tokens.map((t) => `"${t}"`).join(', ')}] AND (expiresAt = 0 OR expiresAt > ${now.getTime()})))`,
    );
    expect(filter[0]).toContain('"agency:FGR"');
    expect(filter[0]).not.toContain('"public"');
    // The shared tab: not the reader's own.
    expect(filter).toContain('ownerId != "u-fgr-1"');
  });

  it('leaves out by id the attachments the reader may not see, and says nothing when there are none', () => {
    const hidden = buildMeiliDocumentQuery({ text: 'x', now }, fgr, [41, 7]);
    expect(hidden.params.filter).toContain('id NOT IN [41, 7]');
    const none = buildMeiliDocumentQuery({ text: 'x', now }, fgr, []);
    expect((none.params.filter as string[]).some((f) => f.startsWith('id '))).toBe(false);
  });

  it('gives an admin no access filter (admins see every document)', () => {
    const { params } = buildMeiliDocumentQuery({ text: 'x', now, tab: 'mine' }, admin);
    expect(params.filter).toEqual(['ownerId = "u-admin"']);
  });

  it('turns tabs, filters and dates into filters, quoting values safely', () => {
    const { q, params } = buildMeiliDocumentQuery(
      {
        text: '  balística  ',
        tab: 'agency',
        type: ['court_order', 'photo'],
        agency: ['ATF'],
        language: ['es'],
        tag: 'Serie "limada"',
        linked: { kind: 'request', target: '12' },
        dateFrom: '2026-11-01',
        dateTo: '2026-11-28',
        now,
      },
      fgr,
      [3],
    );
    expect(q).toBe('balística');
    expect((params.filter as string[]).slice(1)).toEqual([
      'id NOT IN [3]',
      'agency = "FGR"',
      'type IN ["court_order", "photo"]',
      'agency IN ["ATF"]',
      'language IN ["es"]',
      'tags = "serie \\"limada\\""',
      'links = "request:12"',
      `updatedAt >= ${Date.parse('2026-11-01T00:00:00Z')}`,
      `updatedAt < ${Date.parse('2026-11-29T00:00:00Z')}`,
    ]);
  });

  it('sorts as asked (relevance: Meilisearch’s own ranking) and pages', () => {
    const sortOf = (sort: 'relevance' | 'updated_desc' | 'created_desc' | 'created_asc' | 'title_asc') =>
      buildMeiliDocumentQuery({ text: 'x', sort, now }, fgr).params.sort;
    expect(sortOf('relevance')).toBeUndefined();
    expect(sortOf('updated_desc')).toEqual(['updatedAt:desc']);
    expect(sortOf('created_desc')).toEqual(['createdAt:desc']);
    expect(sortOf('created_asc')).toEqual(['createdAt:asc']);
    expect(sortOf('title_asc')).toEqual(['title:asc']);
    const paged = buildMeiliDocumentQuery({ text: 'x', page: 3, pageSize: 50, now }, fgr).params;
    expect([paged.page, paged.hitsPerPage]).toEqual([3, 50]);
    for (const rule of [sortOf('updated_desc'), sortOf('created_asc'), sortOf('title_asc')])
      expect(MEILI_DOCUMENT_SETTINGS.sortableAttributes).toContain(rule![0]!.split(':')[0]);
  });

  it('only filters on attributes the index declares filterable', () => {
    const { params } = buildMeiliDocumentQuery(
      {
        text: 'x',
        tab: 'shared',
        type: ['photo'],
        agency: ['CBP'],
        language: ['en'],
        tag: 'etrace',
        linked: { kind: 'thread', target: '9' },
        dateFrom: '2026-01-01',
        dateTo: '2026-12-31',
        now,
      },
      fgr,
      [1],
    );
    const named = (params.filter as string[]).flatMap(attributes);
    expect(new Set(named)).toEqual(
      new Set(['ownerId', 'scope', 'expiresAt', 'id', 'type', 'agency', 'language', 'tags', 'links', 'updatedAt']),
    );
    for (const attribute of named) expect(MEILI_DOCUMENT_SETTINGS.filterableAttributes).toContain(attribute);
  });
});
