/**
 * A version's bytes: access-checked, written to the download log and the audit log, always as an
 * attachment (never rendered inline), with the RFC 5987 file name and nosniff. A document the
 * reader may not see is a 404, like any unknown address.
 */
import type { APIRoute } from 'astro';
import { Readable } from 'node:stream';
import { contentDisposition } from '#src/server/documents/names.ts';
import { openDownload } from '#src/server/documents/queries.ts';

export const GET: APIRoute = async ({ params, url, locals, rewrite }) => {
  const user = locals.user;
  const id = /^\d{1,12}$/.test(params.id ?? '') ? Number(params.id) : 0;
  const versionParam = url.searchParams.get('version');
  const version = versionParam && /^\d{1,6}$/.test(versionParam) ? Number(versionParam) : null;
  const download = user && id ? await openDownload({ ...user, ip: locals.ip }, id, version) : null;
  if (!download) return rewrite(`/${locals.lang}/404`);
  return new Response(Readable.toWeb(download.stream) as ReadableStream, {
    status: 200,
    headers: {
      'Content-Type': download.mime,
      'Content-Length': String(download.size),
      'Content-Disposition': contentDisposition(download.fileName),
      'X-Content-Type-Options': 'nosniff',
      // Even if a browser chose to render it, nothing in it may run or load anything.
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, no-store, no-transform',
      ETag: `"${download.sha256}"`,
    },
  });
};
