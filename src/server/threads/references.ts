/**
 * Which references in posts lead somewhere for this reader: requests (by reference or address),
 * seizures (by reference or address), threads and posts, each through its own access rule. A
 * reference to something the reader may not see, or that does not exist, gets no address (the
 * page shows it as the plain text typed). Bulletins and protocols are curated content, resolved
 * by the web layer (src/lib/forum.ts) with the content access check.
 */
import { inArray, sql } from 'drizzle-orm';
import { requestRecipients, requests } from '#db/schema/index.ts';
import { forumPath } from '#src/i18n/forum-paths.ts';
import type { Lang } from '#src/i18n/index.ts';
import { canSee, requestScope, seesEverything, readerTokens, type Reader } from '#src/server/access.ts';
import { db } from '#src/server/db.ts';
import type { ReferenceKind } from './markdown.ts';
import { visibleThreadSql } from './notification-subject.ts';

export type ReferenceTargets = Map<string, string>;

export async function resolveReferences(
  reader: Reader,
  refs: readonly { kind: ReferenceKind; key: string }[],
  lang: Lang,
): Promise<ReferenceTargets> {
  const out: ReferenceTargets = new Map();
  const keys = (kind: ReferenceKind) => [...new Set(refs.filter((r) => r.kind === kind).map((r) => r.key))];
  const ids = (kind: ReferenceKind) =>
    keys(kind)
      .map(Number)
      .filter((n) => Number.isSafeInteger(n) && n > 0);

  // Requests: the requesting and addressed agencies (and admins), as everywhere.
  const byReference = keys('request');
  const byId = ids('requestId');
  if (byReference.length || byId.length) {
    const rows = await db()
      .select({ id: requests.id, reference: requests.reference, requester: requests.requesterAgencyCode })
      .from(requests)
      .where(
        sql`${requests.reference} IN (SELECT value FROM json_each(${JSON.stringify(byReference)})) OR ${requests.id} IN (SELECT value FROM json_each(${JSON.stringify(byId)}))`,
      );
    const recipients = rows.length
      ? await db()
          .select({ requestId: requestRecipients.requestId, agency: requestRecipients.agencyCode })
          .from(requestRecipients)
          .where(
            inArray(
              requestRecipients.requestId,
              rows.map((r) => r.id),
            ),
          )
      : [];
    for (const r of rows) {
      const addressed = recipients.filter((x) => x.requestId === r.id).map((x) => x.agency);
      if (!canSee(reader, requestScope(r.requester, addressed))) continue;
      const href = `/${lang}/requests/${r.id}`;
      out.set(`request:${r.reference}`, href);
      out.set(`requestId:${r.id}`, href);
    }
  }

  // Seizures: their scope tokens against the reader's. A reference shared by several visible
  // seizures (references are unique per agency and case file) leads to a search for it.
  const seizureRefs = keys('seizure');
  const seizureIds = ids('seizureId');
  if (seizureRefs.length || seizureIds.length) {
    const access = seesEverything(reader)
      ? sql`1`
      : sql`s.scope_set_id IN (SELECT scope_set_id FROM scope_set_tokens WHERE token IN (SELECT value FROM json_each(${JSON.stringify(readerTokens(reader))})))`;
    const rows = await db().all<{ id: number; reference: string }>(sql`
      SELECT s.id, s.reference FROM seizures s
      WHERE (s.reference IN (SELECT value FROM json_each(${JSON.stringify(seizureRefs)})) OR s.id IN (SELECT value FROM json_each(${JSON.stringify(seizureIds)})))
        AND ${access}`);
    const perReference = new Map<string, number[]>();
    for (const r of rows) {
      perReference.set(r.reference, [...(perReference.get(r.reference) ?? []), r.id]);
      out.set(`seizureId:${r.id}`, `/${lang}/seizures/${r.id}`);
    }
    for (const [reference, list] of perReference)
      out.set(
        `seizure:${reference}`,
        list.length === 1 ? `/${lang}/seizures/${list[0]}` : `/${lang}/seizures?q=${encodeURIComponent(`"${reference}"`)}`,
      );
  }

  // Threads and posts: the thread's scope, hidden threads for moderators and authors only.
  const threadIds = ids('thread');
  if (threadIds.length) {
    const rows = await db().all<{ id: number }>(
      sql`SELECT t.id FROM threads t WHERE t.id IN (SELECT value FROM json_each(${JSON.stringify(threadIds)})) AND ${visibleThreadSql(reader)}`,
    );
    for (const r of rows) out.set(`thread:${r.id}`, forumPath(lang, 'thread', { id: r.id }));
  }
  const postIds = ids('post');
  if (postIds.length) {
    const rows = await db().all<{ id: number }>(
      sql`SELECT p.id FROM thread_posts p JOIN threads t ON t.id = p.thread_id WHERE p.id IN (SELECT value FROM json_each(${JSON.stringify(postIds)})) AND ${visibleThreadSql(reader)}`,
    );
    for (const r of rows) out.set(`post:${r.id}`, forumPath(lang, 'post', { id: r.id }));
  }
  return out;
}
