/**
 * How threads appear in the notification centre: a notification about a thread is readable while
 * the reader may see the thread (its scope; a hidden thread only by moderators and its author),
 * checked in SQL on every read, and it leads to the post it is about.
 */
import { inArray, sql, type SQL } from 'drizzle-orm';
import { threadCategories, threads } from '#db/schema/index.ts';
import { forumPath } from '#src/i18n/forum-paths.ts';
import { isMessageKey, translate, type Lang } from '#src/i18n/index.ts';
import { canModerateThreads, type Reader } from '#src/server/access.ts';
import { db } from '#src/server/db.ts';
import type { NotificationSubject, NotificationView } from '#src/server/notifications/types.ts';
import { visibleScopeSql } from '#src/server/scopes.ts';

/** "The reader may see this thread", in SQL over the threads table (alias t). */
export function visibleThreadSql(reader: Reader): SQL {
  const hidden = canModerateThreads(reader) ? sql`1` : sql`(t.hidden_at IS NULL OR t.author_id = ${reader.id})`;
  return sql`(${visibleScopeSql(reader, sql`t.scope_set_id`)} AND ${hidden})`;
}

export const threadNotifications: NotificationSubject = {
  visibleSql(reader, subjectId) {
    // Correlated (one primary-key look-up per notification), not `IN (visible threads)`: that list
    // was built over every thread the reader may see on each count of the header badge.
    return sql`EXISTS (SELECT 1 FROM threads t WHERE t.id = ${subjectId} AND ${visibleThreadSql(reader)})`;
  },

  // Muting a thread silences its replies and new-thread notices (as at write time, notify.ts), also
  // those already waiting for the digest; a mention or a moderator's word to the member still goes.
  mutedSql(userId, subjectId, kind) {
    return sql`(${kind} IN ('thread_reply', 'thread_new') AND EXISTS (SELECT 1 FROM thread_follows f
      WHERE f.thread_id = ${subjectId} AND f.user_id = ${userId} AND f.level = 'muted'))`;
  },

  async render(items, lang) {
    const ids = [...new Set(items.map((n) => n.subjectId))];
    const rows = ids.length
      ? await db()
          .select({
            id: threads.id,
            title: threads.title,
            handlingCode: threads.handlingCode,
            nameEs: threadCategories.nameEs,
            nameEn: threadCategories.nameEn,
          })
          .from(threads)
          .innerJoin(threadCategories, sql`${threadCategories.id} = ${threads.categoryId}`)
          .where(inArray(threads.id, ids))
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const out = new Map<number, NotificationView>();
    for (const n of items) {
      const thread = byId.get(n.subjectId);
      if (!thread) continue;
      out.set(n.id, {
        text: threadNotificationText(lang, n.kind, n.params, thread.title, lang === 'es' ? thread.nameEs : thread.nameEn),
        href: n.params.post ? forumPath(lang, 'post', { id: n.params.post }) : forumPath(lang, 'thread', { id: thread.id }),
        mailLines: [translate(lang, 'mail.handling', { code: translate(lang, `requests.handling.${thread.handlingCode}`) })],
        mailFooter: translate(lang, 'threads.mail.footer'),
      });
    }
    return out;
  },
};

export function threadNotificationText(lang: Lang, kind: string, params: Record<string, string>, title: string, category: string): string {
  const values = { actor: params.actor ?? '', title, category: params.category ?? category };
  if (kind === 'thread_moderated') {
    const key = `threads.notify.moderated.${params.action ?? ''}`;
    return isMessageKey(key) ? translate(lang, key, values) : translate(lang, 'threads.notify.moderated', values);
  }
  const key = `threads.notify.${kind.replace(/^thread_/, '')}`;
  return isMessageKey(key) ? translate(lang, key, values) : title;
}
