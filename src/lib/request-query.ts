/**
 * The request list and the metrics live in the URL; each page and its CSV export read it here,
 * so the file a reader downloads always holds what the page showed.
 */
import { REQUEST_PRIORITIES, REQUEST_STATUSES, REQUEST_TYPES } from '#src/domain/requests.ts';
import { isAgencyCode } from '#src/domain/patterns.ts';
import { LIST_BOXES, LIST_SORTS, type ListBox, type ListSort, type RequestFilter } from '#src/server/requests/service.ts';
import { oneOf, pageParam } from './query-params.ts';

export interface RequestListQuery extends RequestFilter {
  box: ListBox;
  sort: ListSort;
  overdue: boolean;
  page: number;
}

/**
 * `counterparts`: the agencies the reader exchanges requests with; any other `counterpart` is dropped
 * (the page offers only these), on the page and in its export alike.
 */
export function parseRequestListQuery(params: URLSearchParams, counterparts: readonly string[]): RequestListQuery {
  return {
    box: oneOf(LIST_BOXES, params.get('box')) ?? 'inbox',
    status: oneOf(REQUEST_STATUSES, params.get('status')),
    priority: oneOf(REQUEST_PRIORITIES, params.get('priority')),
    type: oneOf(REQUEST_TYPES, params.get('type')),
    counterpart: oneOf(counterparts, params.get('counterpart')),
    overdue: params.get('overdue') === '1',
    sort: oneOf(LIST_SORTS, params.get('sort')) ?? 'due',
    page: pageParam(params),
  };
}

/** The query string of a request list (the box always; the page only when asked and past the first). */
export function requestListSearch(query: RequestListQuery, withPage = false): URLSearchParams {
  const params = new URLSearchParams({ box: query.box });
  if (query.status) params.set('status', query.status);
  if (query.priority) params.set('priority', query.priority);
  if (query.type) params.set('type', query.type);
  if (query.counterpart) params.set('counterpart', query.counterpart);
  if (query.overdue) params.set('overdue', '1');
  if (query.sort !== 'due') params.set('sort', query.sort);
  if (withPage && query.page > 1) params.set('page', String(query.page));
  return params;
}

/**
 * The agency whose metrics are asked for: no parameter means the reader's own agency; an empty or
 * unknown one every agency (admins; the server narrows everyone else to their own); a known code
 * that agency. `known`: the agencies of the portal.
 */
export function parseMetricsAgency(
  params: URLSearchParams,
  reader: { agencyCode: string },
  known: ReadonlyMap<string, unknown>,
): string | null {
  const asked = params.get('agency');
  if (asked === null) return reader.agencyCode;
  return isAgencyCode(asked) && known.has(asked) ? asked : null;
}
