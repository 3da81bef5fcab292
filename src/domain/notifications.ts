/**
 * What a notification is about (its subject: one room's item) and what happened. Each room adds
 * its subject kind here and registers how to check access and word the notification in
 * src/server/notifications/subjects.ts.
 */
export const NOTIFICATION_SUBJECT_KINDS = ['request', 'document', 'thread'] as const;
export type NotificationSubjectKind = (typeof NOTIFICATION_SUBJECT_KINDS)[number];

/** Information requests: new request, reply, status change, due soon, overdue, assignment. */
export const REQUEST_NOTIFICATION_KINDS = ['new_request', 'reply', 'status', 'due_soon', 'overdue', 'assigned'] as const;
/** Threads: a reply in a followed thread, a mention, a new thread in a followed category, a moderator's action on your post or thread. */
export const THREAD_NOTIFICATION_KINDS = ['thread_reply', 'thread_mention', 'thread_new', 'thread_moderated'] as const;

/** Documents: shared with you (named members or chosen agencies), a new version of one you have. */
export const DOCUMENT_NOTIFICATION_KINDS = ['document_shared', 'document_version'] as const;

export const NOTIFICATION_KINDS = [...REQUEST_NOTIFICATION_KINDS, ...DOCUMENT_NOTIFICATION_KINDS, ...THREAD_NOTIFICATION_KINDS] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** How a member wants e-mail about notifications: each one at once, one daily digest, or none. */
export const EMAIL_MODES = ['immediate', 'daily', 'off'] as const;
export type EmailMode = (typeof EMAIL_MODES)[number];
