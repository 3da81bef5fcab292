/**
 * Writing notifications, for every room: rows for the centre in the caller's transaction, and
 * (after the commit) e-mail to the recipients who want each one at once. The room decides who is
 * told (people who may see the subject); the actor is never told of their own action.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { notifications, type NotificationKind, type NotificationSubjectKind } from '#db/schema/index.ts';
import { db, type Executor } from '#src/server/db.ts';
import { deliverNow } from './deliver.ts';
import { inBackground, mailConfigured } from './mail.ts';

export interface NotifyInput {
  subjectKind: NotificationSubjectKind;
  subjectId: number;
  kind: NotificationKind;
  /** User ids; the room has checked that each may see the subject. */
  recipients: readonly string[];
  actorId?: string | null;
  params?: Record<string, string>;
  /** Makes a repeated notification (a sweep) a no-op: unique per user. */
  dedupeKey?: (userId: string) => string;
  now: Date;
}

/**
 * Writes the notifications of one event with the caller's executor (its transaction); returns a
 * function that e-mails them; call it after the commit.
 */
export async function notify(ex: Executor, input: NotifyInput): Promise<() => void> {
  const recipients = [...new Set(input.recipients)].filter((id) => id !== input.actorId);
  if (!recipients.length) return () => {};
  const inserted = await ex
    .insert(notifications)
    .values(
      recipients.map((userId) => ({
        userId,
        subjectKind: input.subjectKind,
        subjectId: input.subjectId,
        kind: input.kind,
        params: input.params && Object.keys(input.params).length ? JSON.stringify(input.params) : null,
        dedupeKey: input.dedupeKey?.(userId) ?? null,
        createdAt: input.now,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: notifications.id });
  const ids = inserted.map((r) => r.id);
  return () => {
    // Checked when the send is due: demo data is written with mail suppressed (withoutMail).
    if (ids.length && mailConfigured()) inBackground('notification e-mail', () => deliverNow(ids));
  };
}

/** The reader opened the subject: its notifications count as read. */
export async function markSubjectRead(
  userId: string,
  subjectKind: NotificationSubjectKind,
  subjectId: number,
  ex: Executor = db(),
): Promise<boolean> {
  // A read first: opening a page with nothing unread (the usual case) then writes nothing.
  const [unread] = await ex
    .select({ id: notifications.id })
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, userId),
        eq(notifications.subjectKind, subjectKind),
        eq(notifications.subjectId, subjectId),
        isNull(notifications.readAt),
      ),
    )
    .limit(1);
  if (!unread) return false;
  await ex
    .update(notifications)
    .set({ readAt: new Date() })
    .where(
      and(
        eq(notifications.userId, userId),
        eq(notifications.subjectKind, subjectKind),
        eq(notifications.subjectId, subjectId),
        isNull(notifications.readAt),
      ),
    );
  return true;
}
