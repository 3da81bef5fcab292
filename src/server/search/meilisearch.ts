/**
 * Meilisearch engine for seizures (when MEILISEARCH_URL is set): one document per seizure, facets
 * as filterable attributes, the reader's access tokens as the filter `scope IN [...]` on every
 * search. The database stays the source of truth: documents are built from it, and their search
 * text is read from the FTS5 index table (seizure_fts), so both engines search the same fields
 * of the same text.
 *
 * Parity with FTS5 (tests/unit/search-contract.test.ts): every word must match
 * (`matchingStrategy: 'all'`); no prefix search on words; a term with a digit is matched exactly
 * (no typos) as its compact form, against the compact forms of the document's words and the
 * prefixes of its serial numbers, in any position of the query; a chosen sort comes before
 * relevance; id breaks ties; facet values come back by count, as many as the data holds.
 */
import type { SearchParams, Settings } from 'meilisearch';
import { readerTokens, seesEverything, type Reader } from '#src/server/access.ts';
import { rawClient } from '#src/server/db.ts';
import { config } from '#src/server/config.ts';
import { allRaw } from '#src/server/sql.ts';
import { facetLabel, placeLabels } from './fts5.ts';
import { FACET_FIELDS, type FacetField } from './fts5-index.ts';
import type { MeiliConnection } from './meili-client.ts';
import { pushEntities, rebuildIndex, type SearchSource } from './remote-index.ts';
import {
  MARK_CLOSE,
  MARK_OPEN,
  markToHtml,
  normalizeQuery,
  type Facets,
  type SearchEngine,
  type SearchQuery,
  type SearchResult,
} from './types.ts';

export const MEILI_INDEX = 'seizures';
export const SEIZURE_KIND = 'seizure';

export interface MeiliSeizureDoc {
  id: number;
  reference: string;
  date: string;
  /** YYYYMMDD as a number: Meilisearch filters ranges and sorts on numbers. */
  dateNum: number;
  year: string;
  country: string;
  state: string;
  agency: string;
  firearmType: string[];
  calibre: string[];
  manufacturer: string[];
  traceStatus: string[];
  scope: string[];
  firearmCount: number;
  municipality: string | null;
  place: string | null;
  // Search text, as the FTS5 index holds it.
  summaryEs: string | null;
  summaryEn: string | null;
  placeText: string | null;
  firearmsText: string | null;
  serials: string | null;
  /** Compact forms ("7.62x39" -> 762x39) and parts of every word with a digit. */
  compactTerms: string[];
  /** Prefixes (3 characters or more, with a digit) of the serial numbers' words. */
  serialPrefixes: string[];
}

const FILTER_ATTRIBUTE: Record<FacetField, keyof MeiliSeizureDoc> = {
  country: 'country',
  state: 'state',
  agency: 'agency',
  year: 'year',
  firearmType: 'firearmType',
  calibre: 'calibre',
  manufacturer: 'manufacturer',
  traceStatus: 'traceStatus',
};

/** Exact-match attributes: no typo may match a serial number or a code. */
const EXACT_ATTRIBUTES = ['serials', 'serialPrefixes', 'compactTerms'];

/** Settings that do not depend on the data. */
export const MEILI_SETTINGS = {
  // In the order of the FTS5 bm25 weights (serials 5, place 2, firearms 1.5, summaries 1).
  searchableAttributes: ['serials', 'serialPrefixes', 'placeText', 'firearmsText', 'summaryEs', 'summaryEn', 'compactTerms'],
  filterableAttributes: ['country', 'state', 'agency', 'year', 'firearmType', 'calibre', 'manufacturer', 'traceStatus', 'scope', 'dateNum'],
  sortableAttributes: ['dateNum', 'firearmCount', 'id'],
  // `sort` first: a chosen sort orders the results strictly (FTS5 ORDER BY); without one it does
  // nothing and relevance decides. Ties: newest, then highest id, as in FTS5. ('attribute' is
  // still accepted by servers that split it into attributeRank and wordPosition.)
  rankingRules: ['sort', 'words', 'typo', 'proximity', 'attribute', 'exactness', 'dateNum:desc', 'id:desc'],
  typoTolerance: { enabled: true, disableOnAttributes: EXACT_ATTRIBUTES, disableOnNumbers: true },
  // FTS5 matches whole words only (serial prefixes are indexed in serialPrefixes).
  prefixSearch: 'disabled',
} satisfies Settings;

/** The settings, with the facet and hit limits sized to the data (FTS5 returns every value and an exact total). */
export async function meiliSettings(): Promise<Settings> {
  const ex = rawClient();
  const [facets] = await allRaw<{ n: number | null }>(
    ex,
    'SELECT max(n) AS n FROM (SELECT count(*) AS n FROM facet_values GROUP BY field)',
  );
  const [seizures] = await allRaw<{ n: number }>(ex, 'SELECT count(*) AS n FROM seizures');
  return {
    ...MEILI_SETTINGS,
    faceting: { maxValuesPerFacet: sizedFacetLimit(facets?.n ?? 0), sortFacetValuesBy: { '*': 'count' } },
    pagination: { maxTotalHits: Math.max(1_000_000, 2 * (seizures?.n ?? 0)) },
  };
}

/** Room for every value of the largest facet and growth until the next start or reindex. */
export function sizedFacetLimit(distinctValues: number): number {
  return Math.max(500, Math.ceil((distinctValues * 1.5) / 100) * 100);
}

/** Filter value as a Meilisearch string literal. */
function lit(value: string | number): string {
  return `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const HAS_DIGIT = /\p{N}/u;
const compact = (word: string) => word.replace(/[^\p{L}\p{N}]/gu, '');

/**
 * User text -> Meilisearch `q`, term for term what toMatchExpression() (filter.ts) asks of FTS5:
 * quoted phrases stay phrases; a word with a digit and 3+ letters or digits becomes its compact
 * form as a one-word phrase (exact: no typo, no prefix; matched against compactTerms and
 * serialPrefixes, so it works in any position); a word with - . or / becomes a phrase of its
 * parts; a leading "-" is not an exclusion (FTS5 does not exclude either).
 */
export function toMeiliQuery(text: string): string {
  const terms: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1] !== undefined) {
      const phrase = m[1]
        .replace(/[^\p{L}\p{N}\s\-./]/gu, ' ')
        .replace(/\s+/g, ' ')
        .trim();
      if (/[\p{L}\p{N}]/u.test(phrase)) terms.push(`"${phrase}"`);
      continue;
    }
    const word = (m[2] ?? '').replace(/[^\p{L}\p{N}\-./]/gu, '').replace(/^[-./]+/, '');
    if (!/[\p{L}\p{N}]/u.test(word)) continue;
    const c = compact(word);
    if (HAS_DIGIT.test(word) && c.length >= 3) terms.push(`"${c}"`);
    else if (/[-./]/.test(word)) terms.push(`"${word.replace(/[-./]+/g, ' ').trim()}"`);
    else terms.push(word);
  }
  return terms.join(' ');
}

/** The search request for a query and reader (pure: unit-tested without a server). */
export function buildMeiliQuery(query: SearchQuery, reader: Reader | null): { q: string; params: SearchParams } {
  const n = normalizeQuery(query);
  const filter: string[] = [];
  if (!seesEverything(reader)) filter.push(`scope IN [${readerTokens(reader).map(lit).join(', ')}]`);
  for (const field of FACET_FIELDS) {
    const values = n.filters[field] ?? [];
    if (values.length) filter.push(`${FILTER_ATTRIBUTE[field]} IN [${values.map(lit).join(', ')}]`);
  }
  if (n.dateFrom) filter.push(`dateNum >= ${Number(n.dateFrom.replaceAll('-', ''))}`);
  if (n.dateTo) filter.push(`dateNum <= ${Number(n.dateTo.replaceAll('-', ''))}`);
  const q = toMeiliQuery(n.text);
  // The same orders as FTS5 (fts5.ts), id last so that pages never overlap.
  const sort =
    n.sort === 'date_desc' || (n.sort === 'relevance' && !q)
      ? ['dateNum:desc', 'id:desc']
      : n.sort === 'date_asc'
        ? ['dateNum:asc', 'id:asc']
        : n.sort === 'firearms_desc'
          ? ['firearmCount:desc', 'dateNum:desc', 'id:desc']
          : undefined;
  const summary = n.lang === 'es' ? 'summaryEs' : 'summaryEn';
  return {
    q,
    params: {
      filter,
      facets: FACET_FIELDS.map((f) => FILTER_ATTRIBUTE[f]),
      ...(sort ? { sort } : {}),
      matchingStrategy: 'all',
      page: n.page,
      hitsPerPage: n.pageSize,
      attributesToRetrieve: [
        'id',
        'reference',
        'date',
        'country',
        'state',
        'municipality',
        'place',
        'agency',
        'firearmCount',
        'summaryEs',
        'summaryEn',
      ],
      attributesToCrop: [summary, 'placeText', 'firearmsText', 'serials'],
      cropLength: 24,
      cropMarker: '…',
      attributesToHighlight: [summary, 'placeText', 'firearmsText', 'serials'],
      highlightPreTag: MARK_OPEN,
      highlightPostTag: MARK_CLOSE,
      showMatchesPosition: false,
    },
  };
}

/** Compact forms and parts of the words with a digit ("AR-15," -> ar15, ar, 15). */
export function compactTerms(...texts: (string | null)[]): string[] {
  const out = new Set<string>();
  for (const text of texts) {
    for (const word of (text ?? '').split(/\s+/)) {
      if (!HAS_DIGIT.test(word)) continue;
      const c = compact(word).toLowerCase();
      if (c) out.add(c);
      for (const part of word.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (part) out.add(part);
    }
  }
  return [...out];
}

/** Every prefix of 3+ characters that holds a digit, of each word of the serials text (as FTS5 tokenizes it). */
export function serialPrefixes(serials: string | null): string[] {
  const out = new Set<string>();
  for (const token of (serials ?? '').toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    const firstDigit = token.search(/\p{N}/u);
    if (firstDigit < 0) continue;
    for (let len = Math.max(3, firstDigit + 1); len <= token.length; len++) out.add(token.slice(0, len));
  }
  return [...out];
}

/** Meilisearch documents for the given seizures, read from the database (absent ids are omitted). */
export async function meiliDocuments(ids: readonly (number | string)[]): Promise<MeiliSeizureDoc[]> {
  if (!ids.length) return [];
  const ex = rawClient();
  const json = JSON.stringify(ids.map(Number));
  const rows = await allRaw<{
    id: number;
    reference: string;
    date: string;
    country: string;
    state_code: string;
    agency_code: string;
    municipality: string | null;
    place: string | null;
    firearm_count: number;
    tokens: string;
    summary_es: string | null;
    summary_en: string | null;
    place_text: string | null;
    firearms_text: string | null;
    serials: string | null;
  }>(
    ex,
    `SELECT s.id, s.reference, s.date, s.country, s.state_code, s.agency_code, s.municipality, s.place, s.firearm_count, ss.tokens,
       f.summary_es, f.summary_en, f.place AS place_text, f.firearms AS firearms_text, f.serials
     FROM seizures s JOIN scope_sets ss ON ss.id = s.scope_set_id LEFT JOIN seizure_fts f ON f.rowid = s.id
     WHERE s.id IN (SELECT value FROM json_each(?))`,
    [json],
  );
  const facets = await allRaw<{
    seizure_id: number;
    type: string;
    calibre: string | null;
    manufacturer: string | null;
    trace_status: string;
  }>(
    ex,
    `SELECT seizure_id, type, calibre, manufacturer, trace_status FROM firearms WHERE seizure_id IN (SELECT value FROM json_each(?))`,
    [json],
  );
  const bySeizure = new Map<number, typeof facets>();
  for (const g of facets) {
    const list = bySeizure.get(g.seizure_id);
    if (list) list.push(g);
    else bySeizure.set(g.seizure_id, [g]);
  }
  const uniq = (list: (string | null)[]) => [...new Set(list.filter((v): v is string => !!v))];
  return rows.map((r) => {
    const g = bySeizure.get(r.id) ?? [];
    return {
      id: r.id,
      reference: r.reference,
      date: r.date,
      dateNum: Number(r.date.replaceAll('-', '')),
      year: r.date.slice(0, 4),
      country: r.country,
      state: r.state_code,
      agency: r.agency_code,
      firearmType: uniq(g.map((x) => x.type)),
      calibre: uniq(g.map((x) => x.calibre)),
      manufacturer: uniq(g.map((x) => x.manufacturer)),
      traceStatus: uniq(g.map((x) => x.trace_status)),
      scope: r.tokens.split(' '),
      firearmCount: r.firearm_count,
      municipality: r.municipality,
      place: r.place,
      summaryEs: r.summary_es,
      summaryEn: r.summary_en,
      placeText: r.place_text,
      firearmsText: r.firearms_text,
      serials: r.serials,
      compactTerms: compactTerms(r.summary_es, r.summary_en, r.place_text, r.firearms_text, r.serials),
      serialPrefixes: serialPrefixes(r.serials),
    };
  });
}

/** Seizures as a search source of the remote engine (outbox pushes, rebuilds). */
export function seizureSource(indexUid: string): SearchSource {
  return {
    kind: SEIZURE_KIND,
    indexUid,
    settings: meiliSettings,
    documents: meiliDocuments,
    async idsAfter(after, limit) {
      const rows = await allRaw<{ id: number }>(rawClient(), 'SELECT id FROM seizures WHERE id > ? ORDER BY id LIMIT ?', [
        Number(after ?? 0),
        limit,
      ]);
      return rows.map((r) => String(r.id));
    },
    async count() {
      const [row] = await allRaw<{ n: number }>(rawClient(), 'SELECT count(*) AS n FROM seizures');
      return row?.n ?? 0;
    },
  };
}

/** The live seizure index's name under the configured prefix. */
export function seizureIndexUid(): string {
  return `${config.meilisearch?.indexPrefix ?? ''}${MEILI_INDEX}`;
}

export interface MeiliEngine extends SearchEngine {
  readonly name: 'meilisearch';
  readonly connection: MeiliConnection;
  readonly source: SearchSource;
}

export function createMeiliEngine(connection: MeiliConnection, indexUid: string = seizureIndexUid()): MeiliEngine {
  const source = seizureSource(indexUid);
  return {
    name: 'meilisearch',
    connection,
    source,
    async search(query, reader): Promise<SearchResult> {
      const n = normalizeQuery(query);
      const { q, params } = buildMeiliQuery(n, reader);
      const res = await connection.search.index<MeiliSeizureDoc>(indexUid).search(q, params);
      const places = await placeLabels(rawClient());
      const facets = Object.fromEntries(FACET_FIELDS.map((f) => [f, []])) as unknown as Facets;
      for (const field of FACET_FIELDS) {
        const dist = res.facetDistribution?.[FILTER_ATTRIBUTE[field]] ?? {};
        facets[field] = Object.entries(dist)
          .filter(([, count]) => count > 0)
          .map(([value, count]) => ({ value, count, label: facetLabel(field, value, n.lang, places) }))
          .sort(
            field === 'year' ? (a, b) => b.value.localeCompare(a.value) : (a, b) => b.count - a.count || a.value.localeCompare(b.value),
          );
      }
      const summaryKey = n.lang === 'es' ? 'summaryEs' : 'summaryEn';
      return {
        // With page/hitsPerPage Meilisearch answers an exhaustive totalHits (up to maxTotalHits).
        total: (res as { totalHits?: number }).totalHits ?? 0,
        page: n.page,
        pageSize: n.pageSize,
        facets,
        hits: res.hits.map((h) => {
          const f = (h._formatted ?? {}) as Partial<Record<keyof MeiliSeizureDoc, string>>;
          const marked = [f[summaryKey], f.placeText, f.firearmsText, f.serials].find((v) => v?.includes(MARK_OPEN));
          const fallback = f[summaryKey] ?? h[summaryKey] ?? h.summaryEs ?? h.summaryEn ?? '';
          return {
            id: h.id,
            reference: h.reference,
            date: h.date,
            country: h.country,
            stateCode: h.state,
            stateName: places.get(h.state)?.[n.lang] ?? h.state,
            municipality: h.municipality,
            place: h.place,
            agencyCode: h.agency,
            firearmCount: h.firearmCount,
            snippet: markToHtml(marked ?? fallback),
          };
        }),
      };
    },
    async index(ids) {
      await pushEntities(connection, source, ids.map(String));
    },
    async remove(ids) {
      await pushEntities(connection, source, ids.map(String));
    },
    async reindex(progress) {
      await rebuildIndex(connection, source, { progress });
    },
  };
}
