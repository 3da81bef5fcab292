import type { APIRoute } from 'astro';
import { parseRequestListQuery } from '#src/lib/request-query.ts';
import { counterparts, exportRequestsCsv } from '#src/server/requests/service.ts';

/** The request list (with the page's filters, read as the page reads them) as CSV; only requests the reader may see; audited. */
export const GET: APIRoute = async ({ locals, url }) => {
  const user = locals.user;
  if (!user) return new Response(null, { status: 404 });
  const query = parseRequestListQuery(url.searchParams, await counterparts(user));
  // Every page of the list (the audit log must not record a page number the file does not hold).
  const csv = await exportRequestsCsv({ ...user, ip: locals.ip }, { ...query, page: undefined }, locals.lang);
  const name = locals.lang === 'es' ? 'solicitudes' : 'requests';
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}-${query.box}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
};
