import type { SQL } from 'drizzle-orm';
import type { NotificationKind, NotificationSubjectKind } from '#db/schema/index.ts';
import type { Lang } from '#src/i18n/index.ts';
import type { Reader } from '#src/server/access.ts';

/** One stored notification, as the centre and the e-mails read it. */
export interface StoredNotification {
  id: number;
  subjectKind: NotificationSubjectKind;
  subjectId: number;
  kind: NotificationKind;
  params: Record<string, string>;
  createdAt: Date;
  readAt: Date | null;
}

/** How a notification reads in one language. */
export interface NotificationView {
  /** One line: the centre's entry and the e-mail's subject. Plain text (pages escape it). */
  text: string;
  /** Path of the page it leads to, with the language prefix (`/es/requests/12`). */
  href: string;
  /** Extra lines an e-mail carries after the text (e.g. the handling code). */
  mailLines: string[];
  /** Why the recipient gets this e-mail (its closing line). */
  mailFooter: string;
}

/**
 * What a room registers for its subjects (src/server/notifications/subjects.ts). Both functions
 * are small reads that import nothing of the notification writer, so rooms can notify freely.
 */
export interface NotificationSubject {
  /**
   * SQL that is true when the reader may see the subject whose id is `subjectId` (a column):
   * the centre puts it into every list and count, so a notification about something the reader
   * can no longer see (changed agency, narrowed scope, hidden thread) disappears everywhere.
   */
  visibleSql(reader: Reader, subjectId: SQL): SQL;
  /**
   * SQL that is true when the member (`userId`) has silenced this notification's subject since it
   * was written (a muted thread): the daily digest leaves it out. Rooms without muting omit it.
   */
  mutedSql?(userId: string, subjectId: SQL, kind: SQL): SQL;
  /** The wording and link of each notification (by notification id) in a language. */
  render(items: readonly StoredNotification[], lang: Lang): Promise<Map<number, NotificationView>>;
}
