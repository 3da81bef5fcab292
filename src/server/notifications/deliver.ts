/**
 * E-mail about notifications, in each recipient's language: at once (after the commit of the
 * event that caused them) for members who chose that, or one daily digest. Every e-mail is
 * composed after the commit from what is stored, with the same wording as the centre.
 */
import { and, asc, eq, gte, inArray, isNull, lte, not, or, sql } from 'drizzle-orm';
import { notifications, notificationSettings, type Lang, type NotificationSubjectKind } from '#db/schema/index.ts';
import { translate } from '#src/i18n/index.ts';
import { config } from '#src/server/config.ts';
import { db } from '#src/server/db.ts';
import { mailConfigured, queueMail } from './mail.ts';
import { recipientsByIds } from './readers.ts';
import { NOTIFICATION_SUBJECTS } from './subjects.ts';
import type { NotificationView, StoredNotification } from './types.ts';
import { mutedNotifications, visibleNotifications } from './visibility.ts';

const DAY_MS = 86_400_000;

export function portalOrigin(): string {
  return config.publicOrigin ?? `http://localhost:${config.port}`;
}

function toStored(row: typeof notifications.$inferSelect): StoredNotification {
  return {
    id: row.id,
    subjectKind: row.subjectKind,
    subjectId: row.subjectId,
    kind: row.kind,
    params: row.params ? (JSON.parse(row.params) as Record<string, string>) : {},
    createdAt: row.createdAt,
    readAt: row.readAt,
  };
}

/** Views of notifications in one language, each subject kind worded by its room. */
export async function renderNotifications(items: readonly StoredNotification[], lang: Lang): Promise<Map<number, NotificationView>> {
  const out = new Map<number, NotificationView>();
  const byKind = new Map<NotificationSubjectKind, StoredNotification[]>();
  for (const n of items) byKind.set(n.subjectKind, [...(byKind.get(n.subjectKind) ?? []), n]);
  for (const [kind, list] of byKind) for (const [id, view] of await NOTIFICATION_SUBJECTS[kind].render(list, lang)) out.set(id, view);
  return out;
}

/**
 * E-mails the given (just committed) notifications to the recipients who want each one at once.
 * Marking them e-mailed first, in one UPDATE, means no notification goes out twice even when
 * several processes deliver at the same time.
 */
export async function deliverNow(ids: readonly number[], now: Date = new Date()): Promise<void> {
  if (!ids.length || !mailConfigured()) return;
  const wanted = await db()
    .select({ id: notifications.id })
    .from(notifications)
    .leftJoin(notificationSettings, eq(notificationSettings.userId, notifications.userId))
    .where(
      and(
        inArray(notifications.id, [...ids]),
        isNull(notifications.emailedAt),
        or(isNull(notificationSettings.emailMode), eq(notificationSettings.emailMode, 'immediate')),
      ),
    );
  if (!wanted.length) return;
  const claimed = await db()
    .update(notifications)
    .set({ emailedAt: now })
    .where(
      and(
        inArray(
          notifications.id,
          wanted.map((w) => w.id),
        ),
        isNull(notifications.emailedAt),
      ),
    )
    .returning();
  const people = await recipientsByIds(claimed.map((c) => c.userId));
  for (const lang of ['es', 'en'] as const) {
    const mine = claimed.filter((c) => people.get(c.userId)?.lang === lang).map(toStored);
    if (!mine.length) continue;
    const views = await renderNotifications(mine, lang);
    for (const row of claimed) {
      const view = views.get(row.id);
      const to = people.get(row.userId);
      if (!view || !to) continue;
      queueMail({
        to: to.email,
        lang,
        subject: view.text.slice(0, 250),
        text: [
          view.text,
          '',
          ...(view.mailLines.length ? [...view.mailLines, ''] : []),
          translate(lang, 'notifications.mail.open'),
          `${portalOrigin()}${view.href}`,
          '',
          '-- ',
          view.mailFooter,
        ].join('\n'),
      });
    }
  }
}

/**
 * Daily digests: one e-mail per member who chose them, at most once every 24 hours, listing the
 * notifications they have neither read nor been e-mailed, that they may still see and have not
 * silenced since (a reply in a thread muted after it was written). Claiming a
 * member's digest is one conditional UPDATE, so concurrent processes never send it twice.
 */
export async function sendDigests(now: Date = new Date()): Promise<number> {
  if (!mailConfigured()) return 0;
  const due = await db()
    .select({ userId: notificationSettings.userId, since: notificationSettings.modeSince })
    .from(notificationSettings)
    .where(
      and(
        eq(notificationSettings.emailMode, 'daily'),
        lte(sql`coalesce(${notificationSettings.lastDigestAt}, ${notificationSettings.modeSince})`, now.getTime() - DAY_MS),
      ),
    );
  let sent = 0;
  for (const candidate of due) {
    const [claim] = await db()
      .update(notificationSettings)
      .set({ lastDigestAt: now })
      .where(
        and(
          eq(notificationSettings.userId, candidate.userId),
          eq(notificationSettings.emailMode, 'daily'),
          lte(sql`coalesce(${notificationSettings.lastDigestAt}, ${notificationSettings.modeSince})`, now.getTime() - DAY_MS),
        ),
      )
      .returning({ userId: notificationSettings.userId });
    if (!claim) continue;
    const person = (await recipientsByIds([candidate.userId])).get(candidate.userId);
    if (!person) continue;
    const rows = await db()
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.userId, person.id),
          isNull(notifications.readAt),
          isNull(notifications.emailedAt),
          gte(notifications.createdAt, candidate.since),
          visibleNotifications(person),
          not(mutedNotifications(person.id)),
        ),
      )
      .orderBy(asc(notifications.createdAt), asc(notifications.id))
      .limit(200);
    if (!rows.length) continue;
    await db()
      .update(notifications)
      .set({ emailedAt: now })
      .where(
        inArray(
          notifications.id,
          rows.map((r) => r.id),
        ),
      );
    const views = await renderNotifications(rows.map(toStored), person.lang);
    const lines = rows.flatMap((r) => {
      const v = views.get(r.id);
      return v ? [`• ${v.text}`, `  ${portalOrigin()}${v.href}`, ''] : [];
    });
    if (!lines.length) continue;
    const count = lines.length / 3;
    queueMail({
      to: person.email,
      lang: person.lang,
      subject: translate(person.lang, 'notifications.digest.subject', { count }),
      text: [
        translate(person.lang, 'notifications.digest.intro', { count }),
        '',
        ...lines,
        '-- ',
        translate(person.lang, 'notifications.digest.footer'),
        `${portalOrigin()}/${person.lang}/account#email-h`,
      ].join('\n'),
    });
    sent++;
  }
  return sent;
}
