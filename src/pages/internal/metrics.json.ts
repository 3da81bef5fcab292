// Runtime figures of the process that answers (memory, event-loop delay) for `npm run bench:load`.
// Off unless INTERNAL_METRICS is set, and then only for callers on this machine: 404 otherwise.
import type { APIRoute } from 'astro';
import { config } from '#src/server/config.ts';
import { runtimeMetrics } from '#src/server/runtime-metrics.ts';

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

export const GET: APIRoute = ({ url, clientAddress, locals }) => {
  if (!config.internalMetrics || !LOOPBACK.test(clientAddress)) return new Response('Not found', { status: 404 });
  return new Response(JSON.stringify(runtimeMetrics(url.searchParams.has('reset'), locals.pagesInFlight?.() ?? null)), {
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  });
};
