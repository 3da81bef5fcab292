import type { APIRoute } from 'astro';
import {
  REQUEST_PRIORITIES,
  REQUEST_STATUSES,
  REQUEST_TYPES,
  type RequestPriority,
  type RequestStatus,
  type RequestType,
} from '#src/domain/requests.ts';
import { exportRequestsCsv, LIST_BOXES, LIST_SORTS, type ListBox, type ListSort } from '#src/server/requests/service.ts';

/** The request list (with the page's filters) as CSV; only requests the reader may see; audited. */
export const GET: APIRoute = async ({ locals, url }) => {
  const user = locals.user;
  if (!user) return new Response(null, { status: 404 });
  const params = url.searchParams;
  const pick = <T extends string>(list: readonly T[], value: string | null): T | undefined =>
    (list as readonly string[]).includes(value ?? '') ? (value as T) : undefined;
  const box: ListBox = pick(LIST_BOXES, params.get('box')) ?? 'inbox';
  const counterpart = /^[A-Z0-9-]{2,20}$/.test(params.get('counterpart') ?? '') ? (params.get('counterpart') as string) : undefined;
  const csv = await exportRequestsCsv(
    { ...user, ip: locals.ip },
    {
      box,
      status: pick<RequestStatus>(REQUEST_STATUSES, params.get('status')),
      priority: pick<RequestPriority>(REQUEST_PRIORITIES, params.get('priority')),
      type: pick<RequestType>(REQUEST_TYPES, params.get('type')),
      counterpart,
      overdue: params.get('overdue') === '1',
      sort: pick<ListSort>(LIST_SORTS, params.get('sort')) ?? 'due',
    },
    locals.lang,
  );
  const name = locals.lang === 'es' ? 'solicitudes' : 'requests';
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}-${box}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
};
