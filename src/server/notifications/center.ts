/**
 * The notification centre: the reader's notifications from every room, newest first, each worded
 * by its room in the reader's language, counted and listed only when the reader may still see
 * what it is about.
 */
import type { InArgs } from '@libsql/client';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { notifications, type NotificationSubjectKind } from '#db/schema/index.ts';
import type { Lang } from '#src/i18n/index.ts';
import type { Reader } from '#src/server/access.ts';
import { LruCache } from '#src/server/cache.ts';
import { db, rawClient } from '#src/server/db.ts';
import { renderNotifications } from './deliver.ts';
import type { NotificationView, StoredNotification } from './types.ts';
import { visibleNotifications } from './visibility.ts';

/** The header badge's count (on every signed-in page): its query, so tests can read its plan. */
export function unreadCountQuery(reader: Reader) {
  return db()
    .select({ n: sql<number>`count(*)` })
    .from(notifications)
    .where(and(eq(notifications.userId, reader.id), isNull(notifications.readAt), visibleNotifications(reader)));
}

/**
 * The badge's SQL text and arguments per reader: they depend on the reader's id, role, agency
 * and country alone (every room's rule is SQL over those, with the database's own clock), and
 * building them with drizzle cost ~0.5–1 ms of every signed-in page.
 */
const unreadCountSql = new LruCache<{ sql: string; params: unknown[] }>(2000);

export async function unreadCount(reader: Reader): Promise<number> {
  const key = [reader.id, reader.role, reader.agencyCode, reader.agencyCountry].join('\u0000');
  let query = unreadCountSql.get(key);
  if (!query) unreadCountSql.set(key, (query = unreadCountQuery(reader).toSQL()));
  const result = await rawClient().execute({ sql: query.sql, args: query.params as InArgs });
  return Number(result.rows[0]?.[0] ?? 0);
}

export type NotificationItem = StoredNotification & NotificationView;

export interface ListOptions {
  unreadOnly?: boolean;
  page?: number;
  pageSize?: number;
  /** Only notifications about this kind of subject. */
  subjectKind?: NotificationSubjectKind;
  lang?: Lang;
}

export async function listNotifications(reader: Reader, opts: ListOptions = {}) {
  const page = Math.max(1, opts.page ?? 1);
  const pageSize = opts.pageSize ?? 30;
  const where = and(
    eq(notifications.userId, reader.id),
    visibleNotifications(reader),
    opts.unreadOnly ? isNull(notifications.readAt) : undefined,
    opts.subjectKind ? eq(notifications.subjectKind, opts.subjectKind) : undefined,
  );
  const rows = await db()
    .select()
    .from(notifications)
    .where(where)
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const [count] = await db()
    .select({ n: sql<number>`count(*)` })
    .from(notifications)
    .where(where);
  const total = Number(count?.n ?? 0);
  const stored: StoredNotification[] = rows.map((r) => ({
    id: r.id,
    subjectKind: r.subjectKind,
    subjectId: r.subjectId,
    kind: r.kind,
    params: r.params ? (JSON.parse(r.params) as Record<string, string>) : {},
    createdAt: r.createdAt,
    readAt: r.readAt,
  }));
  const views = await renderNotifications(stored, opts.lang ?? 'es');
  return {
    total,
    pages: Math.max(1, Math.ceil(total / pageSize)),
    items: stored.flatMap((n): NotificationItem[] => {
      const view = views.get(n.id);
      return view ? [{ ...n, ...view }] : [];
    }),
  };
}

/** Marks the reader's notifications read: the ids given, or all when ids is 'all'. */
export async function markNotificationsRead(reader: Reader, ids: number[] | 'all'): Promise<void> {
  if (ids !== 'all' && ids.length === 0) return;
  await db()
    .update(notifications)
    .set({ readAt: new Date() })
    .where(
      and(eq(notifications.userId, reader.id), isNull(notifications.readAt), ids === 'all' ? undefined : inArray(notifications.id, ids)),
    );
}
