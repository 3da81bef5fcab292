/** The WebP preview of an image document, for readers who may see the document (404 otherwise). */
import type { APIRoute } from 'astro';
import { Readable } from 'node:stream';
import { openThumbnail } from '#src/server/documents/queries.ts';

export const GET: APIRoute = async ({ params, locals, rewrite }) => {
  const id = /^\d{1,12}$/.test(params.id ?? '') ? Number(params.id) : 0;
  const stream = locals.user && id ? await openThumbnail(locals.user, id) : null;
  if (!stream) return rewrite(`/${locals.lang}/404`);
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: {
      'Content-Type': 'image/webp',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, max-age=300',
    },
  });
};
