/** Languages a thread or post is written in. */
export const THREAD_LANGS = ['es', 'en'] as const;
/** Who may read a thread inside its category: everyone the category admits, the author's country, or named agencies. */
export const THREAD_AUDIENCES = ['category', 'country', 'agencies'] as const;
export type ThreadAudience = (typeof THREAD_AUDIENCES)[number];
/** Who may read a category: every member, some countries' agencies, or named agencies. */
export const CATEGORY_AUDIENCES = ['members', 'countries', 'agencies'] as const;
export type CategoryAudience = (typeof CATEGORY_AUDIENCES)[number];
/** A member's interest in a thread or a category: told about every reply, the default, or nothing. */
export const FOLLOW_LEVELS = ['watching', 'normal', 'muted'] as const;
export type FollowLevel = (typeof FOLLOW_LEVELS)[number];
/** What moderators do; each is in the audit log and the thread's moderation history. */
export const MODERATION_ACTIONS = [
  'pin',
  'unpin',
  'lock',
  'unlock',
  'hide_thread',
  'restore_thread',
  'hide_post',
  'restore_post',
  'move',
  'dismiss_report',
] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];
export const THREAD_FILTERS = ['unread', 'mine'] as const;
/** Posts per page of a thread. */
export const POSTS_PER_PAGE = 30;
/** Threads per page of a list. */
export const THREADS_PER_PAGE = 30;
