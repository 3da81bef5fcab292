import type { APIRoute } from 'astro';
import { getCollection } from 'astro:content';
import { readFile } from 'node:fs/promises';
import { attachmentPath, attachmentType } from '#src/lib/attachments.ts';
import { isVisible, type ItemCollection } from '#src/lib/content.ts';
import { actorOf, audit } from '#src/server/audit.ts';

/**
 * An attachment is served only when the reader may see at least one item that lists it;
 * otherwise the answer is the same 404 as for a file that does not exist.
 */
export const GET: APIRoute = async (context) => {
  const rest = context.params.path ?? '';
  const file = `attachments/${rest}`;
  const reader = context.locals.user;
  let allowed = false;
  for (const collection of ['bulletins', 'protocols', 'trainingModules'] as ItemCollection[]) {
    const items = await getCollection(collection);
    if (items.some((i) => (i.data.attachments ?? []).some((a) => a.file === file) && isVisible(reader, i))) {
      allowed = true;
      break;
    }
  }
  const path = allowed ? attachmentPath(rest) : null;
  const body = path ? await readFile(path).catch(() => null) : null;
  if (!body) return context.rewrite(`/${context.locals.lang}/404`);
  if (reader) {
    await audit(actorOf(reader, context.locals.ip), { action: 'content.download', target: file });
  }
  const name = rest.split('/').pop() ?? 'file';
  return new Response(body, {
    headers: {
      'Content-Type': attachmentType(rest).mime,
      'Content-Disposition': `attachment; filename="${name.replace(/"/g, '')}"`,
      'Content-Length': String(body.byteLength),
    },
  });
};
