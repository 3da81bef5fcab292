import type { APIRoute } from 'astro';
import { translate } from '#src/i18n/index.ts';
import { parseSeizureQuery } from '#src/lib/seizure-query.ts';
import { exportCsv } from '#src/server/seizures/queries.ts';
import { actorOf } from '#src/server/audit.ts';

/** The current result set as CSV: only what the reader may see (the query carries the access rule); audited. */
export const GET: APIRoute = ({ url, locals }) => {
  const user = locals.user;
  if (!user) return new Response(null, { status: 404 });
  const lang = locals.lang;
  const query = parseSeizureQuery(url.searchParams, lang);
  const actor = actorOf(user, locals.ip);
  // Streamed: a large result set is never held in memory whole.
  const rows = exportCsv(query, user, lang, actor);
  const stream = new ReadableStream<string>({
    async pull(controller) {
      const { value, done } = await rows.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  const date = new Date().toISOString().slice(0, 10);
  return new Response(stream.pipeThrough(new TextEncoderStream()), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${translate(lang, 'seizures.export.filename')}-${date}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
};
