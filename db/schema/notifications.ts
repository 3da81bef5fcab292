import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './auth.ts';
import {
  EMAIL_MODES,
  NOTIFICATION_KINDS,
  NOTIFICATION_SUBJECT_KINDS,
  type EmailMode,
  type NotificationKind,
  type NotificationSubjectKind,
} from '#src/domain/notifications.ts';
// Plain domain constants live in src/domain so pages may import them without importing db/.
export { EMAIL_MODES, NOTIFICATION_KINDS, NOTIFICATION_SUBJECT_KINDS, type EmailMode, type NotificationKind, type NotificationSubjectKind };

/**
 * The notification centre of every room. A notification is about one subject (a request, a
 * thread, …: subject_kind + subject_id, no foreign key, so any room can use it); every read
 * checks again that the reader may see that subject (src/server/notifications/subjects.ts).
 * dedupe_key keeps repeated sweeps idempotent; emailed_at marks what an e-mail already carried.
 */
export const notifications = sqliteTable(
  'notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    subjectKind: text('subject_kind', { enum: NOTIFICATION_SUBJECT_KINDS }).notNull(),
    subjectId: integer('subject_id').notNull(),
    kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
    /** JSON parameters of the message (e.g. the new status, the post). */
    params: text('params'),
    dedupeKey: text('dedupe_key'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    readAt: integer('read_at', { mode: 'timestamp_ms' }),
    emailedAt: integer('emailed_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('notifications_user_idx').on(t.userId, t.readAt, t.createdAt),
    uniqueIndex('notifications_dedupe_idx').on(t.userId, t.dedupeKey),
    index('notifications_subject_idx').on(t.subjectKind, t.subjectId),
  ],
);

/** Each member's e-mail choice; no row means the default (each notification at once). */
export const notificationSettings = sqliteTable('notification_settings', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  emailMode: text('email_mode', { enum: EMAIL_MODES }).notNull(),
  /** When the member chose this mode: a digest carries nothing older. */
  modeSince: integer('mode_since', { mode: 'timestamp_ms' }).notNull(),
  /** When the last daily digest was claimed (one per 24 hours). */
  lastDigestAt: integer('last_digest_at', { mode: 'timestamp_ms' }),
});
