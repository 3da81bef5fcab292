/**
 * Meilisearch engine (when MEILISEARCH_URL is set): one document per seizure, facets as
 * filterable attributes, the reader's access tokens as the filter `scope IN [...]` on every
 * search. The database stays the source of truth; documents are (re)built from it.
 */
import { Meilisearch, type SearchParams } from 'meilisearch';
import { readerTokens, seesEverything, type Reader } from '#src/server/access.ts';
import { rawClient } from '#src/server/db.ts';
import { facetLabel, placeLabels } from './fts5.ts';
import { FACET_FIELDS, type FacetField } from './fts5-index.ts';
import { allRaw } from '#src/server/sql.ts';
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

export interface MeiliSeizureDoc {
  id: number;
  reference: string;
  date: string;
  /** YYYYMMDD as a number: Meilisearch filters ranges and sorts on numbers. */
  dateNum: number;
  year: string;
  country: string;
  state: string;
  stateName: string;
  agency: string;
  firearmType: string[];
  calibre: string[];
  manufacturer: string[];
  traceStatus: string[];
  scope: string[];
  firearmCount: number;
  municipality: string | null;
  place: string | null;
  summaryEs: string | null;
  summaryEn: string | null;
  placeText: string;
  firearmsText: string;
  serials: string;
}

export const MEILI_SETTINGS = {
  searchableAttributes: ['serials', 'placeText', 'summaryEs', 'summaryEn', 'firearmsText'],
  filterableAttributes: ['country', 'state', 'agency', 'year', 'firearmType', 'calibre', 'manufacturer', 'traceStatus', 'scope', 'dateNum'],
  sortableAttributes: ['dateNum', 'firearmCount'],
  faceting: { maxValuesPerFacet: 500 },
  pagination: { maxTotalHits: 1_000_000 },
};

/** Filter value as a Meilisearch string literal. */
function lit(value: string | number): string {
  return `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
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
  const sort =
    n.sort === 'date_desc' || (n.sort === 'relevance' && !n.text)
      ? ['dateNum:desc']
      : n.sort === 'date_asc'
        ? ['dateNum:asc']
        : n.sort === 'firearms_desc'
          ? ['firearmCount:desc', 'dateNum:desc']
          : undefined;
  const summary = n.lang === 'es' ? 'summaryEs' : 'summaryEn';
  return {
    q: n.text,
    params: {
      filter,
      facets: FACET_FIELDS.map((f) => FILTER_ATTRIBUTE[f]),
      ...(sort ? { sort } : {}),
      page: n.page,
      hitsPerPage: n.pageSize,
      attributesToRetrieve: [
        'id',
        'reference',
        'date',
        'country',
        'state',
        'stateName',
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

/** Meilisearch documents for the given seizures, read from the database. */
export async function meiliDocuments(ids: readonly number[]): Promise<MeiliSeizureDoc[]> {
  if (!ids.length) return [];
  const ex = rawClient();
  const json = JSON.stringify(ids);
  const rows = await allRaw<{
    id: number;
    reference: string;
    date: string;
    country: string;
    state_code: string;
    agency_code: string;
    municipality: string | null;
    place: string | null;
    summary_es: string | null;
    summary_en: string | null;
    firearm_count: number;
    tokens: string;
    name_es: string;
    name_en: string;
    place_text: string;
  }>(
    ex,
    `SELECT s.id, s.reference, s.date, s.country, s.state_code, s.agency_code, s.municipality, s.place, s.summary_es, s.summary_en, s.firearm_count, ss.tokens,
       st.name_es, st.name_en, concat_ws(' ', s.reference, s.case_file, s.operation, s.municipality, s.place, st.name_es, st.name_en, s.agency_code) AS place_text
     FROM seizures s JOIN scope_sets ss ON ss.id = s.scope_set_id JOIN states st ON st.code = s.state_code WHERE s.id IN (SELECT value FROM json_each(?))`,
    [json],
  );
  const guns = await allRaw<{
    seizure_id: number;
    type: string;
    calibre: string | null;
    manufacturer: string | null;
    trace_status: string;
    serial: string | null;
    text: string;
  }>(
    ex,
    `SELECT seizure_id, type, calibre, manufacturer, trace_status, serial, concat_ws(' ', manufacturer, model, calibre, importer, country_of_manufacture, other_markings, type) AS text
     FROM firearms WHERE seizure_id IN (SELECT value FROM json_each(?))`,
    [json],
  );
  const bySeizure = new Map<number, typeof guns>();
  for (const g of guns) bySeizure.set(g.seizure_id, [...(bySeizure.get(g.seizure_id) ?? []), g]);
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
      stateName: `${r.name_es} ${r.name_en}`,
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
      firearmsText: g.map((x) => x.text).join(' · '),
      serials: g.flatMap((x) => (x.serial ? [x.serial, x.serial.replace(/[^\p{L}\p{N}]/gu, '')] : [])).join(' '),
    };
  });
}

export function createMeiliEngine(opts: { host: string; apiKey?: string; indexName?: string }): SearchEngine {
  const client = new Meilisearch({ host: opts.host, apiKey: opts.apiKey });
  const index = client.index<MeiliSeizureDoc>(opts.indexName ?? MEILI_INDEX);
  let configured = false;
  async function ensureSettings() {
    if (configured) return;
    await client
      .createIndex(opts.indexName ?? MEILI_INDEX, { primaryKey: 'id' })
      .waitTask()
      .catch(() => undefined);
    await index.updateSettings(MEILI_SETTINGS).waitTask();
    configured = true;
  }
  async function push(ids: readonly number[]) {
    for (let i = 0; i < ids.length; i += 5000) {
      const docs = await meiliDocuments(ids.slice(i, i + 5000));
      if (docs.length) await index.addDocuments(docs, { primaryKey: 'id' }).waitTask({ timeout: 600_000 });
    }
  }
  return {
    name: 'meilisearch',
    async search(query, reader): Promise<SearchResult> {
      await ensureSettings();
      const n = normalizeQuery(query);
      const { q, params } = buildMeiliQuery(n, reader);
      const res = await index.search(q, params);
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
        // With page/hitsPerPage Meilisearch answers an exhaustive totalHits.
        total: (res as { totalHits?: number }).totalHits ?? res.estimatedTotalHits ?? 0,
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
      await ensureSettings();
      await push(ids);
    },
    async remove(ids) {
      await ensureSettings();
      if (ids.length) await index.deleteDocuments([...ids]).waitTask();
    },
    async reindex(progress) {
      await ensureSettings();
      await index.deleteAllDocuments().waitTask();
      const ids = (await allRaw<{ id: number }>(rawClient(), 'SELECT id FROM seizures ORDER BY id')).map((r) => r.id);
      progress?.(0, ids.length);
      for (let i = 0; i < ids.length; i += 5000) {
        await push(ids.slice(i, i + 5000));
        progress?.(Math.min(ids.length, i + 5000), ids.length);
      }
    },
  };
}
