/**
 * The seizure search lives in the URL (shareable; the back button works): this maps query
 * string parameters to a SearchQuery and back.
 */
import { FACET_FIELDS, SORTS, type FacetField, type SearchFilters, type SearchQuery, type SearchSort } from '#src/server/search/types.ts';
import { FIREARM_TYPES, TRACE_STATUSES } from '#src/domain/seizures.ts';
import { parseLocalDate, type Lang } from '#src/i18n/locale.ts';
import { pageParam } from './query-params.ts';

/** Short, readable parameter names per facet. */
export const FACET_PARAMS: Record<FacetField, string> = {
  country: 'country',
  state: 'state',
  agency: 'agency',
  year: 'year',
  firearmType: 'type',
  calibre: 'calibre',
  manufacturer: 'maker',
  traceStatus: 'trace',
};

const MAX_VALUES = 30;

export function parseSeizureQuery(params: URLSearchParams, lang: Lang): SearchQuery {
  const filters: SearchFilters = {};
  for (const field of FACET_FIELDS) {
    const values = [
      ...new Set(
        params
          .getAll(FACET_PARAMS[field])
          .map((v) => v.trim().slice(0, 80))
          .filter(Boolean),
      ),
    ].slice(0, MAX_VALUES);
    if (values.length === 0) continue;
    if (field === 'firearmType')
      filters.firearmType = values.filter((v): v is (typeof FIREARM_TYPES)[number] => (FIREARM_TYPES as readonly string[]).includes(v));
    else if (field === 'traceStatus')
      filters.traceStatus = values.filter((v): v is (typeof TRACE_STATUSES)[number] => (TRACE_STATUSES as readonly string[]).includes(v));
    else if (field === 'year') filters.year = values.filter((v) => /^\d{4}$/.test(v));
    else filters[field] = values;
  }
  const sort = params.get('sort');
  return {
    text: (params.get('q') ?? '').slice(0, 200),
    filters,
    dateFrom: parseLocalDate(params.get('from'), lang) ?? undefined,
    dateTo: parseLocalDate(params.get('to'), lang) ?? undefined,
    sort: sort && (SORTS as readonly string[]).includes(sort) ? (sort as SearchSort) : undefined,
    page: pageParam(params),
    lang,
    // "Search instead for …" after a correction: the words exactly as typed.
    ...(params.get('spell') === '0' ? { correct: false } : {}),
  };
}

/** The query string of a search, without the page unless asked for. */
export function seizureQueryString(query: SearchQuery, withPage = false): string {
  const params = new URLSearchParams();
  if (query.text) params.set('q', query.text);
  for (const field of FACET_FIELDS) for (const v of query.filters?.[field] ?? []) params.append(FACET_PARAMS[field], String(v));
  if (query.dateFrom) params.set('from', query.dateFrom);
  if (query.dateTo) params.set('to', query.dateTo);
  if (query.sort) params.set('sort', query.sort);
  if (query.correct === false) params.set('spell', '0');
  if (withPage && query.page && query.page > 1) params.set('page', String(query.page));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The same search with one facet value switched on or off (page back to 1). */
export function toggleFacet(query: SearchQuery, field: FacetField, value: string): SearchQuery {
  const current = (query.filters?.[field] ?? []).map(String);
  const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
  return { ...query, page: 1, filters: { ...query.filters, [field]: next } };
}

export function hasFilters(query: SearchQuery): boolean {
  return Boolean(query.text || query.dateFrom || query.dateTo || FACET_FIELDS.some((f) => (query.filters?.[f] ?? []).length > 0));
}

const DATE_PARAMS = ['from', 'to'] as const;

/**
 * Dates typed in the form arrive as the page's language writes them (05/02/2026); the address keeps
 * them as YYYY-MM-DD so a shared link or the language switch means the same day. Returns the
 * address to redirect to when it needs rewriting, else null. A date that cannot be read stays as
 * typed, so the page can say which field is wrong and show what was typed (unreadableDates).
 */
export function canonicalDateAddress(url: URL, lang: Lang): string | null {
  let changed = false;
  const params = new URLSearchParams(url.search);
  for (const name of DATE_PARAMS) {
    const raw = params.get(name);
    if (raw === null) continue;
    if (raw.trim() === '') {
      params.delete(name);
      changed = true;
      continue;
    }
    const iso = parseLocalDate(raw, lang);
    if (!iso || iso === raw) continue;
    changed = true;
    params.set(name, iso);
  }
  if (!changed) return null;
  const qs = params.toString();
  return `${url.pathname}${qs ? `?${qs}` : ''}`;
}

/** The date bounds of a search address that cannot be read as dates, with the text as typed: the search leaves them out and the page names them. */
export function unreadableDates(params: URLSearchParams, lang: Lang): Partial<Record<(typeof DATE_PARAMS)[number], string>> {
  const out: Partial<Record<(typeof DATE_PARAMS)[number], string>> = {};
  for (const name of DATE_PARAMS) {
    const raw = params.get(name)?.trim();
    if (raw && !parseLocalDate(raw, lang)) out[name] = raw.slice(0, 20);
  }
  return out;
}
