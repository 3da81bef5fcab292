/**
 * Every room whose items can be the subject of a notification, and how the centre checks access
 * to them and words them. A room adds its kind to NOTIFICATION_SUBJECT_KINDS (src/domain) and
 * its handler here; the Record type makes a missing handler a type error.
 */
import type { NotificationSubjectKind } from '#db/schema/index.ts';
import { requestNotifications } from '#src/server/requests/notification-subject.ts';
import { documentNotifications } from '#src/server/documents/notification-subject.ts';
import { threadNotifications } from '#src/server/threads/notification-subject.ts';
import type { NotificationSubject } from './types.ts';

export const NOTIFICATION_SUBJECTS: Record<NotificationSubjectKind, NotificationSubject> = {
  request: requestNotifications,
  document: documentNotifications,
  thread: threadNotifications,
};
