/**
 * Who hears about what happens to a request: the requesting and addressed agencies only (the
 * notification centre, src/server/notifications/, stores, lists and e-mails). Every read of
 * notifications goes through the request access rule again (a user who changed agency sees
 * nothing old): requests/notification-subject.ts.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { agencies, requestRecipients, requests, users, type NotificationKind } from '#db/schema/index.ts';
import type { Reader } from '#src/server/access.ts';
import { db, type Executor } from '#src/server/db.ts';
import { listNotifications as listAll, markNotificationsRead, unreadCount } from '#src/server/notifications/center.ts';
import { markSubjectRead, notify } from '#src/server/notifications/notify.ts';
import { DUE_SOON_DAYS, isoDay, OPEN_STATUSES } from './status.ts';

export { notificationText, type NotificationText } from './notification-subject.ts';
export { markNotificationsRead, unreadCount };

export interface NotifyInput {
  requestId: number;
  kind: NotificationKind;
  actor: { id: string; agencyCode: string } | null;
  now: Date;
  /** recipients: the addressed side; all: both sides; users: exactly userIds (if they are parties). */
  audience: 'recipients' | 'all' | 'users';
  userIds?: string[];
  params?: Record<string, string>;
  dedupeKey?: (userId: string) => string;
}

async function partyUsers(ex: Executor, requestId: number, audience: NotifyInput['audience'], userIds: string[] = []): Promise<string[]> {
  const [req] = await ex
    .select({ requester: requests.requesterAgencyCode, createdBy: requests.createdBy })
    .from(requests)
    .where(eq(requests.id, requestId));
  if (!req) return [];
  const recipients = await ex.select().from(requestRecipients).where(eq(requestRecipients.requestId, requestId));
  const scopeAgencies = [req.requester, ...recipients.map((r) => r.agencyCode)];
  const people = await ex
    .select({ id: users.id, agencyCode: agencies.code })
    .from(users)
    .innerJoin(agencies, eq(agencies.id, users.agencyId))
    .where(and(inArray(agencies.code, scopeAgencies), eq(users.disabled, false)));
  const byId = new Map(people.map((p) => [p.id, p]));
  if (audience === 'users') return userIds.filter((id) => byId.has(id));
  const out = new Set<string>();
  for (const r of recipients) {
    const assigned = r.assignedTo ? byId.get(r.assignedTo) : undefined;
    if (assigned && assigned.agencyCode === r.agencyCode) out.add(assigned.id);
    else for (const p of people) if (p.agencyCode === r.agencyCode) out.add(p.id);
  }
  if (audience === 'all') {
    const creator = byId.get(req.createdBy);
    if (creator && creator.agencyCode === req.requester) out.add(creator.id);
  }
  return [...out];
}

/**
 * Writes the notifications of one event in the caller's transaction; returns a function that
 * sends the e-mails (call it after the commit).
 */
export async function notifyParties(ex: Executor, input: NotifyInput): Promise<() => void> {
  const recipients = await partyUsers(ex, input.requestId, input.audience, input.userIds);
  const params: Record<string, string> = { ...(input.actor ? { agency: input.actor.agencyCode } : {}), ...input.params };
  return notify(ex, {
    subjectKind: 'request',
    subjectId: input.requestId,
    kind: input.kind,
    recipients,
    actorId: input.actor?.id ?? null,
    params,
    ...(input.dedupeKey ? { dedupeKey: input.dedupeKey } : {}),
    now: input.now,
  });
}

/**
 * Due-soon and overdue notifications for open requests; idempotent (one of each kind per user,
 * request and due date). Runs lazily (src/server/notifications/sweeps.ts), at most once a minute.
 */
export async function sweepDueNotifications(now: Date = new Date()): Promise<number> {
  const soon = isoDay(new Date(now.getTime() + DUE_SOON_DAYS * 86_400_000));
  const today = isoDay(now);
  const due = await db()
    .select({ id: requests.id, dueDate: requests.dueDate })
    .from(requests)
    .where(and(inArray(requests.status, [...OPEN_STATUSES]), sql`${requests.dueDate} <= ${soon}`));
  const sends: (() => void)[] = [];
  for (const r of due) {
    const kind: NotificationKind = r.dueDate < today ? 'overdue' : 'due_soon';
    const send = await db().transaction((tx) =>
      notifyParties(tx, {
        requestId: r.id,
        kind,
        actor: null,
        now,
        audience: 'all',
        params: { due: r.dueDate },
        dedupeKey: () => `${kind}:${r.id}:${r.dueDate}`,
      }),
    );
    sends.push(send);
  }
  for (const s of sends) s();
  return sends.length;
}

/** The reader's notifications about requests (the centre, /…/notifications, lists every room's). */
export async function listNotifications(reader: Reader, opts: { unreadOnly?: boolean; page?: number; pageSize?: number } = {}) {
  const result = await listAll(reader, { ...opts, subjectKind: 'request' });
  return { ...result, items: result.items.map((n) => ({ ...n, requestId: n.subjectId })) };
}

export async function markRequestNotificationsRead(userId: string, requestId: number): Promise<void> {
  await markSubjectRead(userId, 'request', requestId);
}
