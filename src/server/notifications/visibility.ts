import { and, eq, or, sql, type SQL } from 'drizzle-orm';
import { NOTIFICATION_SUBJECT_KINDS, notifications } from '#db/schema/index.ts';
import type { Reader } from '#src/server/access.ts';
import { NOTIFICATION_SUBJECTS } from './subjects.ts';

/**
 * "The reader may see this notification's subject", in SQL: each room's own access rule for its
 * kind of subject. Every list, count and digest of notifications includes it, so the access check
 * is made again on every read, never only when the notification was written.
 */
export function visibleNotifications(reader: Reader): SQL {
  const parts = NOTIFICATION_SUBJECT_KINDS.map((kind) =>
    and(eq(notifications.subjectKind, kind), NOTIFICATION_SUBJECTS[kind].visibleSql(reader, sql`${notifications.subjectId}`)),
  );
  return or(...parts) ?? sql`0`;
}

/** "The member silenced this notification's subject" (src/server/notifications/types.ts mutedSql): left out of digests. */
export function mutedNotifications(userId: string): SQL {
  const parts = NOTIFICATION_SUBJECT_KINDS.flatMap((kind) => {
    const muted = NOTIFICATION_SUBJECTS[kind].mutedSql?.(userId, sql`${notifications.subjectId}`, sql`${notifications.kind}`);
    return muted ? [and(eq(notifications.subjectKind, kind), muted)] : [];
  });
  return or(...parts) ?? sql`0`;
}
