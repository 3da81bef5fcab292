import type { FirearmType, TraceStatus } from '#db/schema/index.ts';
import type { Reader } from '#src/server/access.ts';
import { isoDateOrUndefined } from '#src/domain/patterns.ts';
import { escapeHtml } from '#src/server/html.ts';
import type { FacetField } from './fts5-index.ts';

export type { FacetField };
export { FACET_FIELDS } from './fts5-index.ts';

export const SORTS = ['relevance', 'date_desc', 'date_asc', 'firearms_desc'] as const;
export type SearchSort = (typeof SORTS)[number];

export interface SearchFilters {
  country?: string[];
  /** State codes (MX-TAM). */
  state?: string[];
  agency?: string[];
  firearmType?: FirearmType[];
  calibre?: string[];
  manufacturer?: string[];
  traceStatus?: TraceStatus[];
  year?: (string | number)[];
}

export interface SearchQuery {
  text?: string;
  filters?: SearchFilters;
  /** YYYY-MM-DD, inclusive. */
  dateFrom?: string;
  dateTo?: string;
  /** Default: relevance with text, date_desc without. */
  sort?: SearchSort;
  /** 1-based. */
  page?: number;
  /** Default 20, at most 100. */
  pageSize?: number;
  /** Language of labels and of the summary shown when there is no text to highlight. */
  lang?: 'es' | 'en';
  /** Correct words that match nothing ("Michoacna" -> "Michoacán"); default true. */
  correct?: boolean;
}

export interface SearchHit {
  id: number;
  reference: string;
  date: string;
  country: string;
  stateCode: string;
  stateName: string;
  municipality: string | null;
  place: string | null;
  agencyCode: string;
  firearmCount: number;
  /** HTML-safe: text escaped, matches wrapped in <mark>. */
  snippet: string;
}

export interface FacetBucket {
  value: string;
  count: number;
  /** Display name where the value is a code (states, countries); else the value itself. */
  label: string;
}

/**
 * Facet counts are counted over the current result set (text + every filter), the way
 * Meilisearch's facetDistribution counts; a count is a number of seizures.
 */
export type Facets = Record<FacetField, FacetBucket[]>;

export interface SearchResult {
  total: number;
  page: number;
  pageSize: number;
  hits: SearchHit[];
  facets: Facets;
  /** Present when words that matched nothing were corrected: these are the corrected results. */
  correction?: { original: string; corrected: string };
}

export interface SearchEngine {
  readonly name: 'fts5' | 'meilisearch';
  search(query: SearchQuery, reader: Reader | null): Promise<SearchResult>;
  /** (Re)index the given seizures (reads them from the database). */
  index(ids: readonly number[]): Promise<void>;
  remove(ids: readonly number[]): Promise<void>;
  /** Rebuild the whole index; `progress` is called with (done, total). */
  reindex(progress?: (done: number, total: number) => void): Promise<void>;
  /**
   * For /readyz: can this engine answer? `degraded` means search works but not fully (e.g. a
   * Meilisearch index still being filled, or a fallback in use). Engines without a check of
   * their own are taken as `ok` when the database answers (FTS5 lives in it).
   */
  health?(): Promise<SearchHealth>;
}

export interface SearchHealth {
  status: 'ok' | 'degraded' | 'down';
  /** A short reason for the operator (no data, no secrets). */
  detail?: string;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function normalizeQuery(
  q: SearchQuery,
): Required<Omit<SearchQuery, 'dateFrom' | 'dateTo'>> & Pick<SearchQuery, 'dateFrom' | 'dateTo'> {
  const text = (q.text ?? '').trim().slice(0, 200);
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(q.pageSize ?? DEFAULT_PAGE_SIZE)));
  const page = Math.max(1, Math.min(10_000, Math.floor(q.page ?? 1)));
  return {
    text,
    filters: q.filters ?? {},
    dateFrom: isoDateOrUndefined(q.dateFrom),
    dateTo: isoDateOrUndefined(q.dateTo),
    sort: q.sort ?? (text ? 'relevance' : 'date_desc'),
    page,
    pageSize,
    lang: q.lang ?? 'es',
    correct: q.correct ?? true,
  };
}

/** HTML-escapes text and turns the engine's match markers into <mark>. */
export const MARK_OPEN = '\u0002';
export const MARK_CLOSE = '\u0003';
export function markToHtml(s: string): string {
  return escapeHtml(s).replaceAll(MARK_OPEN, '<mark>').replaceAll(MARK_CLOSE, '</mark>');
}
