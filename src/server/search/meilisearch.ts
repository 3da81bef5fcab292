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
import type { SearchParams, SearchResponse, Settings } from 'meilisearch';
import { readerTokens, seesEverything, type Reader } from '#src/server/access.ts';
import { rawClient } from '#src/server/db.ts';
import { config } from '#src/server/config.ts';
import { allRows, col } from '#src/server/sql.ts';
import { facetLabel, fts5Search, loadHits, placeLabels } from './fts5.ts';
import { correctQuery } from './fts5-spelling.ts';
import { conceptToken, seizureSearchFields } from './seizure-text.ts';
import { loadSeizures } from '#src/server/seizures/records.ts';
import {
  analyseQuery,
  glossarySynonyms,
  hasPositiveClauses,
  type AnalysedQuery,
  type QueryClause,
  type SynonymSet,
} from '#src/server/text/index.ts';
import { indexInfo } from './outbox.ts';
import { FACET_FIELDS, type FacetField } from './fts5-index.ts';
import type { MeiliConnection } from './meili-client.ts';
import { pushEntities, rebuildIndex, type SearchSource } from './remote-index.ts';
import { normalizeQuery, type Facets, type SearchEngine, type SearchQuery, type SearchResult } from './types.ts';

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
  // The engine-neutral search fields (seizure-text.ts), as FTS5 indexes them.
  summary: string;
  place: string;
  items: string;
  serials: string;
  /** Stem keys (Spanish and English, folded) of summary, place and items. */
  stems: string;
  /** Vocabulary concepts as index tokens (calibres, model families, types, places). */
  concepts: string[];
  /** Compact forms ("7.62x39" -> 762x39) of every word with a digit. */
  compactTerms: string[];
  /** Prefixes (3 characters or more, with a digit) of the serial numbers' words. */
  serialPrefixes: string[];
  /** The distinct stem keys of `stems` (filterable: alternatives of a query are a filter, see toMeiliQuery). */
  stemKeys: string[];
  /** The glossary's phrases of several words (as stem keys) that `stems` holds (filterable, likewise). */
  stemPhrases: string[];
}

/**
 * The shape of the documents. A live index built with another (by an older portal) lacks fields
 * that queries with alternatives need: those are answered by FTS5 until `search:reindex`.
 */
export const SEIZURE_DOC_FORMAT = 2;

/** What a seizure index was built with (search_state, see outbox.ts indexInfo). */
export interface SeizureIndexInfo {
  format: number;
  /** The multi-word glossary phrases (stem keys joined by a space) its documents were checked for. */
  phrases: string[];
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

/**
 * What a query term is matched against: the analysed forms only. A term is a stem-key phrase, a
 * concept token or a compact serial form (toMeiliQuery), each an exact token of one of these.
 */
const MATCH_ATTRIBUTES = ['stems', 'concepts', 'compactTerms', 'serialPrefixes'];

/** Settings that do not depend on the data. */
export const MEILI_SETTINGS = {
  searchableAttributes: [...MATCH_ATTRIBUTES, 'serials', 'place', 'items', 'summary'],
  filterableAttributes: [
    ...['country', 'state', 'agency', 'year', 'firearmType', 'calibre', 'manufacturer', 'traceStatus', 'scope', 'dateNum'],
    // The analysed forms, for queries with alternatives (OR, synonyms, related calibres).
    ...['concepts', 'stemKeys', 'stemPhrases', 'compactTerms', 'serialPrefixes'],
  ],
  sortableAttributes: ['dateNum', 'firearmCount', 'id'],
  // `sort` first: a chosen sort orders the results strictly (FTS5 ORDER BY); without one it does
  // nothing and relevance decides. Ties: newest, then highest id, as in FTS5. ('attribute' is
  // still accepted by servers that split it into attributeRank and wordPosition.)
  rankingRules: ['sort', 'words', 'typo', 'proximity', 'attribute', 'exactness', 'dateNum:desc', 'id:desc'],
  // Misspellings are corrected before the search, from the index's own words, the same way for
  // both engines (fts5-spelling.ts); Meilisearch's own tolerance would find other seizures than
  // FTS5 ("pistola" would match "pistol"). Serials stay exact should it ever be turned on.
  typoTolerance: { enabled: false, disableOnAttributes: ['serials', 'serialPrefixes', 'compactTerms'], disableOnNumbers: true },
  // FTS5 matches whole words only (serial prefixes are indexed in serialPrefixes).
  prefixSearch: 'disabled',
} satisfies Settings;

/** The settings, with the facet and hit limits sized to the data (FTS5 returns every value and an exact total). */
export async function meiliSettings(): Promise<Settings> {
  const ex = rawClient();
  const [facets] = await allRows(
    ex,
    { n: col.intOrNull },
    'SELECT max(n) AS n FROM (SELECT count(*) AS n FROM facet_values GROUP BY field)',
  );
  const [seizures] = await allRows(ex, { n: col.int }, 'SELECT count(*) AS n FROM seizures');
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
const compact = (word: string) => word.replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();

/** A query Meilisearch cannot answer term for term as FTS5 does (FTS5 answers it). */
export class UnsupportedQuery extends Error {
  override name = 'UnsupportedQuery';
}

/** How many searches the Meilisearch engine handed to FTS5 as UnsupportedQuery (health, tests). */
export const delegations = { count: 0 };

/**
 * One clause of the analysed query as one exact Meilisearch term (a quoted phrase: no typo, no
 * prefix), matched against the analysed fields of the documents:
 * - a vocabulary concept ("AK-47", "cuerno de chivo", "7.62 x 39") -> its concept token, which
 *   every seizure naming it in any spelling carries;
 * - a possible serial start ("MICH555", "AB-12") -> its compact form, in serialPrefixes (any
 *   position of the query) or compactTerms;
 * - otherwise the stem keys, as a phrase in `stems` (inflections and both languages meet).
 * Only for clauses with one form (isSingleForm); the others become filters (clauseAlternatives).
 */
function clauseTerm(c: QueryClause): string {
  const [concept] = c.concepts;
  if (concept) return `"${conceptToken(concept)}"`;
  if (c.serialPrefix) return `"${c.serialPrefix.toLowerCase()}"`;
  return `"${c.keys.join(' ')}"`;
}

/** A clause FTS5 matches in one form only (no synonyms, no related calibres, one concept at most). */
function isSingleForm(c: QueryClause): boolean {
  return !c.synonyms.length && !c.related.length && c.concepts.length <= 1;
}

/** The live index's knowledge for alternatives: null when it was built with other documents (or never rebuilt). */
export interface IndexedForms {
  phrases: ReadonlySet<string>;
}

export function indexedForms(info: unknown): IndexedForms | null {
  const i = info as Partial<SeizureIndexInfo> | null;
  if (!i || i.format !== SEIZURE_DOC_FORMAT || !Array.isArray(i.phrases)) return null;
  return { phrases: new Set(i.phrases) };
}

type Alternatives = Map<'concepts' | 'stemKeys' | 'stemPhrases' | 'compactTerms' | 'serialPrefixes', Set<string>>;

/**
 * Every form FTS5 accepts for a clause (fts5-query.ts clauseExpression), as exact values of the
 * documents' filterable analysed fields: concept tokens (its concepts and related calibres), stem
 * keys (one word) or glossary phrases (several words) of the clause and of each synonym, a serial
 * start. Meilisearch's `q` has no OR; a filter does, and matches values exactly. A phrase the live
 * index was not built with (a glossary edited since, or a quoted phrase in an OR) is UnsupportedQuery.
 */
function clauseAlternatives(c: QueryClause, known: IndexedForms | null, into: Alternatives = new Map()): Alternatives {
  if (!known) throw new UnsupportedQuery(c.text);
  const add = (attr: Parameters<Alternatives['get']>[0], value: string) => {
    let values = into.get(attr);
    if (!values) into.set(attr, (values = new Set()));
    values.add(value);
  };
  const keysForm = (keys: readonly string[]) => {
    const phrase = keys.join(' ');
    if (keys.length === 1) {
      add('stemKeys', phrase);
      // A word with a digit may also be a compact form or a serial start (as a term in `q` would be).
      if (HAS_DIGIT.test(phrase)) for (const attr of ['compactTerms', 'serialPrefixes'] as const) add(attr, phrase);
    } else if (known.phrases.has(phrase)) add('stemPhrases', phrase);
    else throw new UnsupportedQuery(c.text);
  };
  if (c.concepts.length) for (const concept of [...c.concepts, ...c.related]) add('concepts', conceptToken(concept));
  else if (c.serialPrefix)
    for (const attr of ['stemKeys', 'compactTerms', 'serialPrefixes'] as const) add(attr, c.serialPrefix.toLowerCase());
  else keysForm(c.keys);
  for (const s of c.synonyms) keysForm(s.keys);
  return into;
}

/**
 * An analysed query (src/server/text) as Meilisearch's `q` and filters. Groups of one clause with
 * one form are exact terms of `q` (they rank); a group with alternatives (OR, glossary synonyms,
 * related calibres, several concepts) is one filter, `attr IN [...] OR attr IN [...]`; an excluded
 * clause is `-"term"` or, with alternatives, `NOT attr = value` for each. Throws UnsupportedQuery
 * when a form is not in the live index (see clauseAlternatives).
 */
export function toMeiliQuery(analysed: AnalysedQuery, known: IndexedForms | null = null): { q: string; filter: string[] } {
  const terms: string[] = [];
  const filter: string[] = [];
  for (const group of analysed.groups) {
    const only = group.length === 1 ? group[0] : undefined;
    if (only && isSingleForm(only)) {
      terms.push(clauseTerm(only));
      continue;
    }
    const alternatives: Alternatives = new Map();
    for (const c of group) clauseAlternatives(c, known, alternatives);
    filter.push([...alternatives].map(([attr, values]) => `${attr} IN [${[...values].map(lit).join(', ')}]`).join(' OR '));
  }
  for (const c of analysed.excluded) {
    if (isSingleForm(c)) terms.push(`-${clauseTerm(c)}`);
    else for (const [attr, values] of clauseAlternatives(c, known)) for (const v of values) filter.push(`NOT ${attr} = ${lit(v)}`);
  }
  return { q: terms.join(' '), filter };
}

/** One extra request of a search: the counts of a chosen facet over the set without that facet's own filter. */
export interface MeiliFacetQuery {
  field: FacetField;
  params: SearchParams;
}

/**
 * The search request for an analysed query and reader (pure: unit-tested without a server).
 *
 * Facet counts are disjunctive, as FTS5 counts them (fts5.ts countAndFacets): values within a
 * facet combine with OR, so when values of a facet are chosen its other values stay listed with
 * the counts they would have. The main request counts the facets nobody chose; each chosen facet
 * is counted by a request of its own (`facetQueries`) whose filter leaves out that facet's own
 * values and keeps everything else (access, text, dates, the other facets). The requests go to
 * Meilisearch together in one multi-search.
 */
export function buildMeiliQuery(
  query: SearchQuery,
  reader: Reader | null,
  analysed?: AnalysedQuery,
  known: IndexedForms | null = null,
): { q: string; params: SearchParams; facetQueries: MeiliFacetQuery[] } {
  const n = normalizeQuery(query);
  const scope = seesEverything(reader) ? [] : [`scope IN [${readerTokens(reader).map(lit).join(', ')}]`];
  const facetFilters: { field: FacetField; expr: string }[] = [];
  for (const field of FACET_FIELDS) {
    const values = n.filters[field] ?? [];
    if (values.length) facetFilters.push({ field, expr: `${FILTER_ATTRIBUTE[field]} IN [${values.map(lit).join(', ')}]` });
  }
  const dates: string[] = [];
  if (n.dateFrom) dates.push(`dateNum >= ${Number(n.dateFrom.replaceAll('-', ''))}`);
  if (n.dateTo) dates.push(`dateNum <= ${Number(n.dateTo.replaceAll('-', ''))}`);
  const a = analysed ?? analyseQuery(n.text, glossarySynonyms());
  const { q, filter: textFilter } = toMeiliQuery(a, known);
  const filterWithout = (left?: FacetField) => [
    ...scope,
    ...facetFilters.filter((f) => f.field !== left).map((f) => f.expr),
    ...dates,
    ...textFilter,
  ];
  // The same orders as FTS5 (fts5.ts), id last so that pages never overlap.
  const sort =
    n.sort === 'date_desc' || (n.sort === 'relevance' && !hasPositiveClauses(a))
      ? ['dateNum:desc', 'id:desc']
      : n.sort === 'date_asc'
        ? ['dateNum:asc', 'id:asc']
        : n.sort === 'firearms_desc'
          ? ['firearmCount:desc', 'dateNum:desc', 'id:desc']
          : undefined;
  const chosen = new Set(facetFilters.map((f) => f.field));
  const textParams = { matchingStrategy: 'all', attributesToSearchOn: MATCH_ATTRIBUTES } satisfies SearchParams;
  return {
    q,
    params: {
      filter: filterWithout(),
      facets: FACET_FIELDS.filter((f) => !chosen.has(f)).map((f) => FILTER_ATTRIBUTE[f]),
      ...(sort ? { sort } : {}),
      ...textParams,
      page: n.page,
      hitsPerPage: n.pageSize,
      // Hits are read from the database with the same snippets as FTS5 (fts5.ts loadHits).
      attributesToRetrieve: ['id'],
    },
    facetQueries: facetFilters.map(({ field }) => ({
      field,
      // hitsPerPage 0: no documents, exhaustive counts.
      params: { filter: filterWithout(field), facets: [FILTER_ATTRIBUTE[field]], ...textParams, page: 1, hitsPerPage: 0 },
    })),
  };
}

/** Compact forms and parts of the words with a digit ("AR-15," -> ar15, ar, 15). */
export function compactTerms(...texts: (string | null)[]): string[] {
  const out = new Set<string>();
  for (const text of texts) {
    for (const word of (text ?? '').split(/\s+/)) {
      if (!HAS_DIGIT.test(word)) continue;
      const c = compact(word);
      if (c) out.add(c);
      for (const part of word.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (part) out.add(part);
    }
  }
  return [...out];
}

/** The phrases (words separated by one space) that occur in `text` (words separated by spaces), word for word. */
export function containedPhrases(text: string, phrases: readonly string[]): string[] {
  const padded = ` ${text.split(/\s+/).filter(Boolean).join(' ')} `;
  return phrases.filter((p) => padded.includes(` ${p} `));
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

/** The glossary's phrases of several words, as stem keys joined by a space (what `stemPhrases` may hold). */
export function glossaryPhrases(synonyms: SynonymSet = glossarySynonyms()): string[] {
  return [
    ...new Set(
      synonyms
        .allAlternatives()
        .filter((a) => a.keys.length > 1)
        .map((a) => a.keys.join(' ')),
    ),
  ].sort();
}

/** The phrases a document pushed now must be checked for: today's glossary and those of the live and the building index. */
async function phrasesToIndex(): Promise<string[]> {
  const { live, building } = await indexInfo(SEIZURE_KIND);
  const recorded = [live, building].flatMap((i) => (i as Partial<SeizureIndexInfo> | null)?.phrases ?? []);
  return [...new Set([...glossaryPhrases(), ...recorded])];
}

/** Meilisearch documents for the given seizures, read from the database (absent ids are omitted). */
export async function meiliDocuments(ids: readonly (number | string)[], phrases?: readonly string[]): Promise<MeiliSeizureDoc[]> {
  if (!ids.length) return [];
  const seizures = await loadSeizures(rawClient(), ids.map(Number));
  const checked = phrases ?? (await phrasesToIndex());
  const uniq = (list: (string | null)[]) => [...new Set(list.filter((v): v is string => !!v))];
  return seizures.map((s) => {
    const f = seizureSearchFields(s);
    return {
      id: s.id,
      reference: s.reference,
      date: s.date,
      dateNum: Number(s.date.replaceAll('-', '')),
      year: s.date.slice(0, 4),
      country: s.country,
      state: s.stateCode,
      agency: s.agencyCode,
      firearmType: uniq(s.firearms.map((x) => x.type)),
      calibre: uniq(s.firearms.map((x) => x.calibre)),
      manufacturer: uniq(s.firearms.map((x) => x.manufacturer)),
      traceStatus: uniq(s.firearms.map((x) => x.traceStatus)),
      scope: [...s.scope],
      firearmCount: s.firearmCount,
      summary: f.summary,
      place: f.place,
      items: f.items,
      serials: f.serials,
      stems: f.stems,
      concepts: f.concepts.map(conceptToken),
      compactTerms: compactTerms(f.summary, f.place, f.items, f.serials),
      serialPrefixes: serialPrefixes(f.serials),
      stemKeys: [...new Set(f.stems.split(' ').filter(Boolean))],
      stemPhrases: containedPhrases(f.stems, checked),
    };
  });
}

/** Seizures as a search source of the remote engine (outbox pushes, rebuilds). */
export function seizureSource(indexUid: string): SearchSource {
  return {
    kind: SEIZURE_KIND,
    indexUid,
    settings: meiliSettings,
    documents: (ids) => meiliDocuments(ids),
    async buildInfo(): Promise<SeizureIndexInfo> {
      // The glossary now and the live index's phrases: documents pushed to either index carry both.
      return { format: SEIZURE_DOC_FORMAT, phrases: await phrasesToIndex() };
    },
    async idsAfter(after, limit) {
      const rows = await allRows(rawClient(), { id: col.int }, 'SELECT id FROM seizures WHERE id > ? ORDER BY id LIMIT ?', [
        Number(after ?? 0),
        limit,
      ]);
      return rows.map((r) => String(r.id));
    },
    async count() {
      const [row] = await allRows(rawClient(), { n: col.int }, 'SELECT count(*) AS n FROM seizures');
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
  async function run(
    n: ReturnType<typeof normalizeQuery>,
    reader: Reader | null,
    analysed: AnalysedQuery,
    known: IndexedForms | null,
  ): Promise<SearchResult> {
    const { q, params, facetQueries } = buildMeiliQuery(n, reader, analysed, known);
    let res: SearchResponse;
    const distributions = new Map<FacetField, Record<string, number>>();
    if (facetQueries.length) {
      const { results } = await connection.search.multiSearch({
        queries: [{ indexUid, q, ...params }, ...facetQueries.map((f) => ({ indexUid, q, ...f.params }))],
      });
      const [main, ...counted] = results;
      if (!main || counted.length !== facetQueries.length)
        throw new Error(`Meilisearch answered ${results.length} of ${facetQueries.length + 1} searches`);
      res = main;
      facetQueries.forEach((f, i) => distributions.set(f.field, counted[i]?.facetDistribution?.[FILTER_ATTRIBUTE[f.field]] ?? {}));
    } else {
      res = await connection.search.index<MeiliSeizureDoc>(indexUid).search(q, params);
    }
    const ex = rawClient();
    const places = await placeLabels(ex);
    const facets = Object.fromEntries(FACET_FIELDS.map((f) => [f, []])) as unknown as Facets;
    for (const field of FACET_FIELDS) {
      const dist = distributions.get(field) ?? res.facetDistribution?.[FILTER_ATTRIBUTE[field]] ?? {};
      facets[field] = Object.entries(dist)
        .filter(([, count]) => count > 0)
        .map(([value, count]) => ({ value, count, label: facetLabel(field, value, n.lang, places) }))
        .sort(field === 'year' ? (a, b) => b.value.localeCompare(a.value) : (a, b) => b.count - a.count || a.value.localeCompare(b.value));
    }
    return {
      // With page/hitsPerPage Meilisearch answers an exhaustive totalHits (up to maxTotalHits).
      total: (res as { totalHits?: number }).totalHits ?? 0,
      page: n.page,
      pageSize: n.pageSize,
      facets,
      hits: await loadHits(
        ex,
        res.hits.map((h) => Number(h.id)),
        analysed,
        n.lang,
      ),
    };
  }
  return {
    name: 'meilisearch',
    connection,
    source,
    async search(query, reader): Promise<SearchResult> {
      const n = normalizeQuery(query);
      const ex = rawClient();
      const synonyms = glossarySynonyms();
      const analysed = analyseQuery(n.text, synonyms);
      const known = indexedForms((await indexInfo(SEIZURE_KIND)).live);
      try {
        // Misspelled words are corrected as FTS5 corrects them, from the same vocabulary.
        if (n.correct) {
          const correction = await correctQuery(ex, n.text, analysed, synonyms);
          if (correction) {
            const corrected = await run(n, reader, correction.analysed, known);
            if (corrected.total > 0) return { ...corrected, correction: { original: n.text, corrected: correction.text } };
          }
        }
        return await run(n, reader, analysed, known);
      } catch (e) {
        if (!(e instanceof UnsupportedQuery)) throw e;
        // FTS5 answers what Meilisearch cannot express: the same answers, from the same data.
        delegations.count++;
        return fts5Search(query, reader);
      }
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
