/**
 * Links from a document to other items, typed as users know them: a request reference
 * (SOL-2026-000001), a seizure reference, or a portal address (/es/seizures/12,
 * /en/requests/3, /es/bulletins/<slug>…). Requests and seizures go through their own access
 * checks; content items are checked by the web layer, which reads the content collections.
 */
import { visibleThread } from '#src/server/threads/store.ts';
import type { Reader } from '#src/server/access.ts';
import { rawClient } from '#src/server/db.ts';
import { DomainError } from '#src/server/errors.ts';
import { getRequest } from '#src/server/requests/service.ts';
import { getSeizure } from '#src/server/seizures/queries.ts';
import { allRows, col } from '#src/server/sql.ts';
import type { DocumentLink } from './service.ts';

/** A thread the reader may see, by id (src/server/threads decides), with its title for the link. */
async function threadCheck(reader: Reader, threadId: number): Promise<{ title: string } | null> {
  const thread = await visibleThread(reader, threadId);
  return thread ? { title: thread.title } : null;
}

const CONTENT = /^\/?(?:es|en)\/(bulletins|protocols)\/([a-z0-9-]+)\/?$|^\/?(?:es|en)\/(training)\/([a-z0-9-]+)\/?$/;

/** One typed link -> what it points at, if the reader may see it. */
export async function parseLink(reader: Reader, raw: string): Promise<DocumentLink> {
  const text = raw.trim();
  let path = text;
  try {
    if (/^https?:\/\//i.test(text)) path = new URL(text).pathname;
  } catch {
    throw new DomainError('document_link_invalid', 'links', { link: text.slice(0, 80) });
  }
  const request = /^\/?(?:es|en)\/requests\/(\d{1,12})\/?$/.exec(path);
  const seizure = /^\/?(?:es|en)\/seizures\/(\d{1,12})\/?$/.exec(path);
  // The forum's addresses in either spelling (/es/foros/hilos/12, /en/forums/threads/12).
  const thread = /^\/?(?:es|en)\/(?:foros\/hilos|forums\/threads)\/(\d{1,12})\/?$/.exec(path);
  const content = CONTENT.exec(path);
  const notFound = () => new DomainError('document_link_not_found', 'links', { link: text.slice(0, 80) });
  if (request || /^SOL-\d{4}-\d{6}$/i.test(text)) {
    let id = request ? Number(request[1]) : 0;
    if (!request) {
      const [row] = await allRows(rawClient(), { id: col.int }, 'SELECT id FROM requests WHERE reference = ?', [text.toUpperCase()]);
      id = row?.id ?? 0;
    }
    if (!(await getRequest(id, reader))) throw notFound();
    return { kind: 'request', target: String(id) };
  }
  if (seizure) {
    if (!(await getSeizure(Number(seizure[1]), reader))) throw notFound();
    return { kind: 'seizure', target: seizure[1]! };
  }
  if (thread) {
    if (!(await threadCheck(reader, Number(thread[1])))) throw notFound();
    return { kind: 'thread', target: thread[1]! };
  }
  if (content) return { kind: 'content', target: content[1] ? `${content[1]}/${content[2]}` : `${content[3]}/${content[4]}` };
  // A seizure reference as printed on the seizure page.
  const [row] = await allRows(rawClient(), { id: col.int }, 'SELECT id FROM seizures WHERE reference = ? LIMIT 1', [text]);
  if (row && (await getSeizure(row.id, reader))) return { kind: 'seizure', target: String(row.id) };
  throw new DomainError('document_link_invalid', 'links', { link: text.slice(0, 80) });
}

export async function parseLinks(reader: Reader, lines: readonly string[]): Promise<DocumentLink[]> {
  const out: DocumentLink[] = [];
  for (const line of lines
    .flatMap((l) => l.split(/\r?\n/))
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 50))
    out.push(await parseLink(reader, line));
  return out;
}

export interface ShownLink {
  kind: DocumentLink['kind'];
  target: string;
  /** Request or seizure reference, thread title; content links are labelled by the web layer. */
  label: string;
}

/** The links of a document that the reader may follow (others are left out, never named). */
export async function visibleLinks(reader: Reader, links: readonly DocumentLink[]): Promise<ShownLink[]> {
  const out: ShownLink[] = [];
  for (const l of links) {
    if (l.kind === 'request') {
      const r = await getRequest(Number(l.target), reader);
      if (r) out.push({ ...l, label: r.reference });
    } else if (l.kind === 'seizure') {
      const s = await getSeizure(Number(l.target), reader);
      if (s) out.push({ ...l, label: s.reference });
    } else if (l.kind === 'thread') {
      const t = await threadCheck(reader, Number(l.target));
      if (t) out.push({ ...l, label: t.title });
    } else out.push({ ...l, label: l.target });
  }
  return out;
}
