/**
 * Notifications about requests: rows for the in-app centre (written in the caller's
 * transaction) and e-mail in each recipient's language (sent after the commit). Only people of
 * the requesting and addressed agencies are ever notified, and every read of notifications
 * goes through the request access rule again (a user who changed agency sees nothing old).
 */
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import {
  agencies,
  notifications,
  requestRecipients,
  requests,
  users,
  type NotificationKind,
  type RequestStatus,
} from '#db/schema/index.ts';
import { translate, formatDate } from '#src/i18n/index.ts';
import { requestListAgency, type Reader } from '#src/server/access.ts';
import { config } from '#src/server/config.ts';
import { db, type Executor } from '#src/server/db.ts';
import { queueMail, type MailMessage } from './mail.ts';
import { DUE_SOON_DAYS, isoDay, OPEN_STATUSES } from './status.ts';

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

interface Party {
  id: string;
  email: string;
  lang: 'es' | 'en';
  agencyCode: string;
}

async function partyUsers(ex: Executor, requestId: number, audience: NotifyInput['audience'], userIds: string[] = []): Promise<Party[]> {
  const [req] = await ex
    .select({ requester: requests.requesterAgencyCode, createdBy: requests.createdBy })
    .from(requests)
    .where(eq(requests.id, requestId));
  if (!req) return [];
  const recipients = await ex.select().from(requestRecipients).where(eq(requestRecipients.requestId, requestId));
  const scopeAgencies = [req.requester, ...recipients.map((r) => r.agencyCode)];
  const people = await ex
    .select({ id: users.id, email: users.email, lang: users.preferredLang, agencyCode: agencies.code })
    .from(users)
    .innerJoin(agencies, eq(agencies.id, users.agencyId))
    .where(and(inArray(agencies.code, scopeAgencies), eq(users.disabled, false)));
  const byId = new Map(people.map((p) => [p.id, p]));
  if (audience === 'users') return userIds.map((id) => byId.get(id)).filter((p): p is Party => Boolean(p));
  const out = new Map<string, Party>();
  for (const r of recipients) {
    const assigned = r.assignedTo ? byId.get(r.assignedTo) : undefined;
    if (assigned && assigned.agencyCode === r.agencyCode) out.set(assigned.id, assigned);
    else for (const p of people) if (p.agencyCode === r.agencyCode) out.set(p.id, p);
  }
  if (audience === 'all') {
    const creator = byId.get(req.createdBy);
    if (creator && creator.agencyCode === req.requester) out.set(creator.id, creator);
  }
  return [...out.values()];
}

function origin(): string {
  return config.publicOrigin ?? `http://localhost:${config.port}`;
}

export interface NotificationText {
  kind: NotificationKind;
  reference: string;
  subject: string;
  params: Record<string, string>;
}

/** The one-line text of a notification in a language (the centre and the e-mail subject use it). */
export function notificationText(n: NotificationText, lang: 'es' | 'en'): string {
  const status = n.params.status ? translate(lang, `requests.status.${n.params.status as RequestStatus}`) : '';
  const due = n.params.due ? formatDate(`${n.params.due}T00:00:00Z`, lang) : '';
  return translate(lang, `notify.${n.kind}`, { reference: n.reference, subject: n.subject, agency: n.params.agency ?? '', status, due });
}

/**
 * Writes the notifications of one event in the caller's transaction; returns a function that
 * sends the e-mails (call it after the commit).
 */
export async function notifyParties(ex: Executor, input: NotifyInput): Promise<() => void> {
  const [req] = await ex
    .select({ reference: requests.reference, subject: requests.subject, handlingCode: requests.handlingCode, dueDate: requests.dueDate })
    .from(requests)
    .where(eq(requests.id, input.requestId));
  if (!req) return () => {};
  const parties = (await partyUsers(ex, input.requestId, input.audience, input.userIds)).filter((p) => p.id !== input.actor?.id);
  if (!parties.length) return () => {};
  const params: Record<string, string> = { ...(input.actor ? { agency: input.actor.agencyCode } : {}), ...input.params };
  const inserted = await ex
    .insert(notifications)
    .values(
      parties.map((p) => ({
        userId: p.id,
        kind: input.kind,
        requestId: input.requestId,
        params: JSON.stringify(params),
        dedupeKey: input.dedupeKey?.(p.id) ?? null,
        createdAt: input.now,
      })),
    )
    .onConflictDoNothing()
    .returning({ userId: notifications.userId });
  const fresh = new Set(inserted.map((r) => r.userId));
  const mails: MailMessage[] = parties
    .filter((p) => fresh.has(p.id))
    .map((p) => {
      const line = notificationText({ kind: input.kind, reference: req.reference, subject: req.subject, params }, p.lang);
      const text = [
        line,
        '',
        translate(p.lang, 'mail.handling', { code: translate(p.lang, `requests.handling.${req.handlingCode}`) }),
        '',
        translate(p.lang, 'mail.open'),
        `${origin()}/${p.lang}/requests/${input.requestId}`,
        '',
        '-- ',
        translate(p.lang, 'mail.footer'),
      ].join('\n');
      return { to: p.email, subject: line.slice(0, 250), text, lang: p.lang };
    });
  return () => {
    for (const m of mails) queueMail(m);
  };
}

/**
 * Due-soon and overdue notifications for open requests; idempotent (one of each kind per user,
 * request and due date). Runs lazily from the header's unread count, at most once a minute.
 */
export async function sweepDueNotifications(now: Date = new Date()): Promise<number> {
  const soon = isoDay(new Date(now.getTime() + DUE_SOON_DAYS * 86_400_000));
  const today = isoDay(now);
  const due = await db()
    .select({ id: requests.id, dueDate: requests.dueDate })
    .from(requests)
    .where(and(inArray(requests.status, [...OPEN_STATUSES]), sql`${requests.dueDate} <= ${soon}`));
  let sends: (() => void)[] = [];
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
  const n = sends.length;
  sends = [];
  return n;
}

let lastSweep = 0;
async function maybeSweep(): Promise<void> {
  if (Date.now() - lastSweep < 60_000) return;
  lastSweep = Date.now();
  try {
    await sweepDueNotifications();
  } catch (error) {
    console.error(`due-date sweep failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** "This notification's request is visible to the reader", in SQL. */
function visibleCondition(reader: Reader) {
  const agency = requestListAgency(reader);
  if (!agency) return sql`1`;
  return sql`(${requests.requesterAgencyCode} = ${agency} OR EXISTS (SELECT 1 FROM request_recipients rr WHERE rr.request_id = ${requests.id} AND rr.agency_code = ${agency}))`;
}

export async function unreadCount(reader: Reader): Promise<number> {
  await maybeSweep();
  const [row] = await db()
    .select({ n: sql<number>`count(*)` })
    .from(notifications)
    .innerJoin(requests, eq(requests.id, notifications.requestId))
    .where(and(eq(notifications.userId, reader.id), isNull(notifications.readAt), visibleCondition(reader)));
  return Number(row?.n ?? 0);
}

export interface NotificationItem extends NotificationText {
  id: number;
  requestId: number;
  createdAt: Date;
  readAt: Date | null;
}

export async function listNotifications(reader: Reader, opts: { unreadOnly?: boolean; page?: number; pageSize?: number } = {}) {
  const page = Math.max(1, opts.page ?? 1);
  const pageSize = opts.pageSize ?? 30;
  const where = and(
    eq(notifications.userId, reader.id),
    visibleCondition(reader),
    opts.unreadOnly ? isNull(notifications.readAt) : undefined,
  );
  const rows = await db()
    .select({
      id: notifications.id,
      kind: notifications.kind,
      requestId: notifications.requestId,
      params: notifications.params,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
      reference: requests.reference,
      subject: requests.subject,
    })
    .from(notifications)
    .innerJoin(requests, eq(requests.id, notifications.requestId))
    .where(where)
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const [count] = await db()
    .select({ n: sql<number>`count(*)` })
    .from(notifications)
    .innerJoin(requests, eq(requests.id, notifications.requestId))
    .where(where);
  const total = Number(count?.n ?? 0);
  return {
    total,
    pages: Math.max(1, Math.ceil(total / pageSize)),
    items: rows.map((r): NotificationItem => ({ ...r, params: r.params ? (JSON.parse(r.params) as Record<string, string>) : {} })),
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

export async function markRequestNotificationsRead(userId: string, requestId: number): Promise<void> {
  await db()
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, userId), eq(notifications.requestId, requestId), isNull(notifications.readAt)));
}
