import type { APIRoute } from 'astro';
import { exportMetricsCsv } from '#src/server/requests/metrics.ts';
import { actorOf } from '#src/server/audit.ts';
import { agencyNames } from '#src/server/agencies.ts';
import { parseMetricsAgency } from '#src/lib/request-query.ts';

/** Cooperation metrics as CSV: members get their agency's; admins the agency asked (empty: all). Audited. */
export const GET: APIRoute = async ({ locals, url }) => {
  const user = locals.user;
  if (!user) return new Response(null, { status: 404 });
  const asked = parseMetricsAgency(url.searchParams, user, await agencyNames(locals.lang));
  const csv = await exportMetricsCsv(user, actorOf(user, locals.ip), asked, locals.lang);
  const name = locals.lang === 'es' ? 'metricas-solicitudes' : 'request-metrics';
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
};
