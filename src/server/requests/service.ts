/**
 * Information requests: create, read (access-checked), list per agency, move through the status
 * machine, converse, assign. Every read goes through src/server/access.ts; every multi-row
 * write is one transaction; creation, views and status changes are audited.
 */
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import {
  agencies,
  FIREARM_TYPES,
  requestEvents,
  requestFirearms,
  requestMessages,
  requestRecipients,
  requests,
  users,
  type HandlingCode,
  type RequestPriority,
  type RequestStatus,
  type RequestType,
} from '#db/schema/index.ts';
import { canSee, requestListAgency, requestScope, requestSide, type Reader } from '#src/server/access.ts';
import { actorOf, audit } from '#src/server/audit.ts';
import { db, type Database, type Executor } from '#src/server/db.ts';
import { writeTransaction, type RawExec } from '#src/server/sql.ts';
import { DomainError } from '#src/server/errors.ts';
import { isIsoDate } from '#src/domain/patterns.ts';
import { getSeizure } from '#src/server/seizures/queries.ts';
import { toCsv } from '#src/server/seizures/import.ts';
import { translate } from '#src/i18n/index.ts';
import { renderMarkdown } from './markdown.ts';
import { notifyParties, markRequestNotificationsRead } from './notify.ts';
import {
  availableTransitions,
  checkTransition,
  defaultDueDate,
  formatReference,
  isDueSoon,
  isoDay,
  isOpen,
  isOverdue,
  type Side,
  type Transition,
} from './status.ts';

/** The signed-in user acting (SessionUser satisfies it). */
export interface RequestActor extends Reader {
  email: string;
  displayName: string;
  ip?: string | null;
}

export interface TraceFirearm {
  manufacturer: string | null;
  model: string | null;
  calibre: string | null;
  serial: string | null;
  type: string | null;
  countryOfOrigin: string | null;
  importer: string | null;
  obliteratedSerial: boolean;
  seizureId?: number | null;
}

export interface NewRequestInput {
  addressed: string[];
  type: RequestType;
  subject: string;
  body: string;
  lang: 'es' | 'en';
  priority: RequestPriority;
  urgencyJustification?: string | null;
  /** YYYY-MM-DD; empty: the default of the priority. */
  dueDate?: string | null;
  handlingCode: HandlingCode;
  handlingNote?: string | null;
  seizureId?: number | null;
  /** Indexes into the linked seizure's firearm list (in its order). */
  seizureFirearms?: number[];
  /** Typed by hand; rows with every field empty are ignored. */
  firearms?: TraceFirearm[];
  /** For demo data and tests: the creation time. */
  now?: Date;
  /** Attachments: written in the request's own transaction once its id exists (src/server/documents). */
  attach?: RequestAttachHook;
}

/** Writes attachments (documents) of a new request or reply in the same transaction. */
export type RequestAttachHook = (raw: RawExec, tx: Database, requestId: number, messageId: number | null) => Promise<void>;

const clean = (v: string | null | undefined): string | null => {
  const s = (v ?? '').trim();
  return s ? s : null;
};

function hasAny(f: TraceFirearm): boolean {
  return Boolean(
    clean(f.manufacturer) ||
    clean(f.model) ||
    clean(f.calibre) ||
    clean(f.serial) ||
    clean(f.countryOfOrigin) ||
    clean(f.importer) ||
    f.obliteratedSerial,
  );
}

export async function createRequest(actor: RequestActor, input: NewRequestInput): Promise<{ id: number; reference: string }> {
  const now = input.now ?? new Date();
  const addressed = [...new Set(input.addressed.map((c) => c.trim()).filter((c) => c && c !== actor.agencyCode))];
  if (addressed.length === 0) throw new DomainError('request_no_recipients', 'addressed');
  const known = new Set(
    (await db().select({ code: agencies.code }).from(agencies).where(inArray(agencies.code, addressed))).map((r) => r.code),
  );
  const unknown = addressed.find((c) => !known.has(c));
  if (unknown) throw new DomainError('request_unknown_agency', 'addressed', { code: unknown });
  const justification = clean(input.urgencyJustification);
  if (input.priority === 'urgent' && !justification) throw new DomainError('request_justification_required', 'urgencyJustification');
  const handlingNote = clean(input.handlingNote);
  if (input.handlingCode === 'H3' && !handlingNote) throw new DomainError('request_handling_note_required', 'handlingNote');
  let dueDate = clean(input.dueDate);
  if (dueDate) {
    if (!isIsoDate(dueDate)) throw new DomainError('request_due_in_past', 'dueDate');
    if (dueDate < isoDay(now)) throw new DomainError('request_due_in_past', 'dueDate');
  } else dueDate = defaultDueDate(input.priority, now);

  // A seizure link goes through the seizure access check: a seizure the reader cannot see
  // does not exist for this form either.
  const firearms: TraceFirearm[] = [];
  let seizure: { id: number; reference: string } | null = null;
  if (input.seizureId) {
    const found = await getSeizure(input.seizureId, actor);
    if (!found) throw new DomainError('request_seizure_not_found', 'seizureId');
    seizure = { id: found.id, reference: found.reference };
    for (const index of [...new Set(input.seizureFirearms ?? [])]) {
      const f = found.firearms[index];
      if (!f) continue;
      firearms.push({
        manufacturer: f.manufacturer,
        model: f.model,
        calibre: f.calibre,
        serial: f.serial,
        type: f.type,
        countryOfOrigin: f.countryOfManufacture,
        importer: f.importer,
        obliteratedSerial: f.obliteratedSerial,
        seizureId: found.id,
      });
    }
  }
  let row = 0;
  for (const f of input.firearms ?? []) {
    row++;
    if (!hasAny(f)) continue;
    const typed: TraceFirearm = {
      manufacturer: clean(f.manufacturer),
      model: clean(f.model),
      calibre: clean(f.calibre),
      serial: clean(f.serial),
      type: f.type && (FIREARM_TYPES as readonly string[]).includes(f.type) ? f.type : null,
      countryOfOrigin: clean(f.countryOfOrigin),
      importer: clean(f.importer),
      obliteratedSerial: f.obliteratedSerial,
      seizureId: null,
    };
    if (input.type === 'firearm_trace' && (!typed.manufacturer || !typed.calibre || (!typed.serial && !typed.obliteratedSerial))) {
      throw new DomainError('request_firearm_incomplete', 'firearms', { row });
    }
    firearms.push(typed);
  }
  if (input.type === 'firearm_trace' && firearms.length === 0) throw new DomainError('request_firearm_required', 'firearms');

  const year = now.getUTCFullYear();
  const created = await writeTransaction(async (raw, tx) => {
    const [last] = await tx
      .select({ seq: sql<number>`coalesce(max(${requests.seq}), 0)` })
      .from(requests)
      .where(eq(requests.year, year));
    const seq = Number(last?.seq ?? 0) + 1;
    const reference = formatReference(year, seq);
    const [inserted] = await tx
      .insert(requests)
      .values({
        reference,
        year,
        seq,
        requesterAgencyCode: actor.agencyCode,
        createdBy: actor.id,
        type: input.type,
        subject: input.subject.trim(),
        body: input.body.trim(),
        lang: input.lang,
        priority: input.priority,
        urgencyJustification: input.priority === 'urgent' ? justification : null,
        dueDate,
        handlingCode: input.handlingCode,
        handlingNote: input.handlingCode === 'H3' ? handlingNote : null,
        status: 'sent',
        seizureId: seizure?.id ?? null,
        seizureReference: seizure?.reference ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: requests.id });
    const id = inserted!.id;
    await tx.insert(requestRecipients).values(addressed.map((agencyCode) => ({ requestId: id, agencyCode })));
    if (firearms.length)
      await tx.insert(requestFirearms).values(firearms.map((f) => ({ ...f, seizureId: f.seizureId ?? null, requestId: id })));
    await tx
      .insert(requestEvents)
      .values({ requestId: id, at: now, actorId: actor.id, actorAgencyCode: actor.agencyCode, fromStatus: null, toStatus: 'sent' });
    await audit(
      actorOf(actor, actor.ip),
      {
        action: 'requests.create',
        target: reference,
        detail: { id, addressed, type: input.type, priority: input.priority, seizureId: seizure?.id ?? null },
      },
      tx,
    );
    if (input.attach) await input.attach(raw, tx, id, null);
    const mails = await notifyParties(tx, { requestId: id, kind: 'new_request', actor, now, audience: 'recipients' });
    return { id, reference, mails };
  });
  created.mails();
  return { id: created.id, reference: created.reference };
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface RequestRow {
  id: number;
  reference: string;
  requesterAgencyCode: string;
  type: RequestType;
  subject: string;
  priority: RequestPriority;
  status: RequestStatus;
  dueDate: string;
  handlingCode: HandlingCode;
  createdAt: Date;
  updatedAt: Date;
  recipients: string[];
  overdue: boolean;
  dueSoon: boolean;
}

export interface RequestDetail extends RequestRow {
  body: string;
  bodyHtml: string;
  lang: 'es' | 'en';
  urgencyJustification: string | null;
  handlingNote: string | null;
  declineReason: string | null;
  seizureId: number | null;
  seizureReference: string | null;
  createdBy: { id: string; name: string };
  acknowledgedAt: Date | null;
  answeredAt: Date | null;
  closedAt: Date | null;
  recipientRows: { agencyCode: string; assignedTo: string | null; assignedName: string | null; firstOpenedAt: Date | null }[];
  firearms: TraceFirearm[];
  messages: {
    id: number;
    authorName: string;
    authorAgencyCode: string;
    kind: 'reply' | 'answer' | 'decline';
    body: string;
    html: string;
    quotedMessageId: number | null;
    createdAt: Date;
  }[];
  events: {
    at: Date;
    actorName: string | null;
    actorAgencyCode: string;
    fromStatus: RequestStatus | null;
    toStatus: RequestStatus;
    note: string | null;
  }[];
  /** The reader's side and what it may do now. */
  side: Side | null;
  transitions: Transition[];
}

function flags(status: RequestStatus, dueDate: string, now = new Date()) {
  return { overdue: isOverdue(status, dueDate, now), dueSoon: isDueSoon(status, dueDate, now) };
}

async function loadScope(id: number, ex: Executor = db()) {
  const [req] = await ex.select().from(requests).where(eq(requests.id, id)).limit(1);
  if (!req) return null;
  const recipientRows = await ex
    .select()
    .from(requestRecipients)
    .where(eq(requestRecipients.requestId, id))
    .orderBy(asc(requestRecipients.agencyCode));
  return { req, recipientRows, recipients: recipientRows.map((r) => r.agencyCode) };
}

/** The request if the reader may see it, else null (the page answers 404). */
export async function getRequest(id: number, reader: Reader | null): Promise<RequestDetail | null> {
  if (!reader || !Number.isSafeInteger(id) || id <= 0) return null;
  const loaded = await loadScope(id);
  if (!loaded || !canSee(reader, requestScope(loaded.req.requesterAgencyCode, loaded.recipients))) return null;
  const { req, recipientRows, recipients } = loaded;
  const names = new Map<string, string>();
  const userIds = new Set<string>([req.createdBy]);
  for (const r of recipientRows) if (r.assignedTo) userIds.add(r.assignedTo);
  const messages = await db()
    .select()
    .from(requestMessages)
    .where(eq(requestMessages.requestId, id))
    .orderBy(asc(requestMessages.createdAt), asc(requestMessages.id));
  const events = await db()
    .select()
    .from(requestEvents)
    .where(eq(requestEvents.requestId, id))
    .orderBy(asc(requestEvents.at), asc(requestEvents.id));
  for (const m of messages) userIds.add(m.authorId);
  for (const e of events) if (e.actorId) userIds.add(e.actorId);
  for (const u of await db()
    .select({ id: users.id, name: users.displayName })
    .from(users)
    .where(inArray(users.id, [...userIds])))
    names.set(u.id, u.name);
  const firearms = await db().select().from(requestFirearms).where(eq(requestFirearms.requestId, id)).orderBy(asc(requestFirearms.id));
  const side = requestSide(reader, req.requesterAgencyCode, recipients);
  return {
    id: req.id,
    reference: req.reference,
    requesterAgencyCode: req.requesterAgencyCode,
    type: req.type,
    subject: req.subject,
    priority: req.priority,
    status: req.status,
    dueDate: req.dueDate,
    handlingCode: req.handlingCode,
    createdAt: req.createdAt,
    updatedAt: req.updatedAt,
    recipients,
    ...flags(req.status, req.dueDate),
    body: req.body,
    bodyHtml: renderMarkdown(req.body),
    lang: req.lang,
    urgencyJustification: req.urgencyJustification,
    handlingNote: req.handlingNote,
    declineReason: req.declineReason,
    seizureId: req.seizureId,
    seizureReference: req.seizureReference,
    createdBy: { id: req.createdBy, name: names.get(req.createdBy) ?? '—' },
    acknowledgedAt: req.acknowledgedAt,
    answeredAt: req.answeredAt,
    closedAt: req.closedAt,
    recipientRows: recipientRows.map((r) => ({
      agencyCode: r.agencyCode,
      assignedTo: r.assignedTo,
      assignedName: r.assignedTo ? (names.get(r.assignedTo) ?? null) : null,
      firstOpenedAt: r.firstOpenedAt,
    })),
    firearms: firearms.map((f) => ({
      manufacturer: f.manufacturer,
      model: f.model,
      calibre: f.calibre,
      serial: f.serial,
      type: f.type,
      countryOfOrigin: f.countryOfOrigin,
      importer: f.importer,
      obliteratedSerial: f.obliteratedSerial,
      seizureId: f.seizureId,
    })),
    messages: messages.map((m) => ({
      id: m.id,
      authorName: names.get(m.authorId) ?? '—',
      authorAgencyCode: m.authorAgencyCode,
      kind: m.kind,
      body: m.body,
      html: renderMarkdown(m.body),
      quotedMessageId: m.quotedMessageId,
      createdAt: m.createdAt,
    })),
    events: events.map((e) => ({
      at: e.at,
      actorName: e.actorId ? (names.get(e.actorId) ?? null) : null,
      actorAgencyCode: e.actorAgencyCode,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      note: e.note,
    })),
    side,
    transitions: availableTransitions(req.status, side),
  };
}

/**
 * The detail page's read: the request (or null), the view audited, the first opening by an
 * addressed agency recorded, and the reader's notifications about it marked read.
 */
export async function openRequest(
  id: number,
  reader: RequestActor,
  opts: { audit?: boolean; print?: boolean } = {},
): Promise<RequestDetail | null> {
  const detail = await getRequest(id, reader);
  if (!detail) return null;
  const now = new Date();
  if (detail.side === 'recipient') {
    const mine = detail.recipientRows.find((r) => r.agencyCode === reader.agencyCode);
    if (mine && !mine.firstOpenedAt) {
      await db()
        .update(requestRecipients)
        .set({ firstOpenedAt: now })
        .where(
          and(
            eq(requestRecipients.requestId, id),
            eq(requestRecipients.agencyCode, reader.agencyCode),
            sql`${requestRecipients.firstOpenedAt} IS NULL`,
          ),
        );
      mine.firstOpenedAt = now;
    }
  }
  await markRequestNotificationsRead(reader.id, id);
  if (opts.audit !== false)
    await audit(actorOf(reader, reader.ip), {
      action: opts.print ? 'requests.print' : 'requests.view',
      target: detail.reference,
      detail: { id },
    });
  return detail;
}

export const LIST_BOXES = ['inbox', 'outbox', 'assigned', 'all'] as const;
export type ListBox = (typeof LIST_BOXES)[number];
export const LIST_SORTS = ['due', 'created', 'updated', 'priority'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

export interface RequestFilter {
  box: ListBox;
  status?: RequestStatus | undefined;
  priority?: RequestPriority | undefined;
  type?: RequestType | undefined;
  counterpart?: string | undefined;
  overdue?: boolean | undefined;
  sort?: ListSort | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

const hasRecipient = (agency: string) =>
  sql`EXISTS (SELECT 1 FROM request_recipients rr WHERE rr.request_id = ${requests.id} AND rr.agency_code = ${agency})`;

/** The access condition and the box condition, both in SQL. */
function boxConditions(reader: Reader, box: ListBox): SQL[] {
  const conds: SQL[] = [];
  const visibleTo = requestListAgency(reader);
  if (visibleTo) conds.push(sql`(${requests.requesterAgencyCode} = ${visibleTo} OR ${hasRecipient(visibleTo)})`);
  if (box === 'inbox') conds.push(hasRecipient(reader.agencyCode));
  else if (box === 'outbox') conds.push(eq(requests.requesterAgencyCode, reader.agencyCode));
  else if (box === 'assigned')
    conds.push(
      sql`EXISTS (SELECT 1 FROM request_recipients rr WHERE rr.request_id = ${requests.id} AND rr.agency_code = ${reader.agencyCode} AND rr.assigned_to = ${reader.id})`,
    );
  return conds;
}

const OPEN_SQL = sql.raw(`('sent', 'acknowledged', 'in_progress', 'reopened')`);

export async function listRequests(reader: Reader, filter: RequestFilter, now: Date = new Date()) {
  const page = Math.max(1, filter.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, filter.pageSize ?? 25));
  const base = boxConditions(reader, filter.box);
  const conds = [...base];
  if (filter.priority) conds.push(eq(requests.priority, filter.priority));
  if (filter.type) conds.push(eq(requests.type, filter.type));
  if (filter.counterpart) conds.push(sql`(${requests.requesterAgencyCode} = ${filter.counterpart} OR ${hasRecipient(filter.counterpart)})`);
  const today = isoDay(now);
  if (filter.overdue) conds.push(sql`${requests.status} IN ${OPEN_SQL} AND ${requests.dueDate} < ${today}`);
  const withoutStatus = and(...conds);
  if (filter.status) conds.push(eq(requests.status, filter.status));
  const where = and(...conds);

  const order =
    filter.sort === 'created'
      ? [sql`${requests.createdAt} DESC`]
      : filter.sort === 'updated'
        ? [sql`${requests.updatedAt} DESC`]
        : filter.sort === 'priority'
          ? [sql`CASE ${requests.priority} WHEN 'immediate' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END`, sql`${requests.dueDate} ASC`]
          : [sql`CASE WHEN ${requests.status} IN ${OPEN_SQL} THEN 0 ELSE 1 END`, sql`${requests.dueDate} ASC`];
  const rows = await db()
    .select({
      id: requests.id,
      reference: requests.reference,
      requesterAgencyCode: requests.requesterAgencyCode,
      type: requests.type,
      subject: requests.subject,
      priority: requests.priority,
      status: requests.status,
      dueDate: requests.dueDate,
      handlingCode: requests.handlingCode,
      createdAt: requests.createdAt,
      updatedAt: requests.updatedAt,
      recipients: sql<string>`(SELECT group_concat(agency_code, ' ') FROM (SELECT agency_code FROM request_recipients WHERE request_id = ${requests.id} ORDER BY agency_code))`,
      assigned: sql<
        string | null
      >`(SELECT group_concat(u.display_name, ', ') FROM request_recipients rr JOIN users u ON u.id = rr.assigned_to WHERE rr.request_id = ${requests.id})`,
    })
    .from(requests)
    .where(where)
    .orderBy(...order, sql`${requests.id} DESC`)
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const [count] = await db()
    .select({ n: sql<number>`count(*)` })
    .from(requests)
    .where(where);
  const statusCounts = await db()
    .select({ status: requests.status, n: sql<number>`count(*)` })
    .from(requests)
    .where(withoutStatus)
    .groupBy(requests.status);
  const [overdue] = await db()
    .select({ n: sql<number>`count(*)` })
    .from(requests)
    .where(and(...base, sql`${requests.status} IN ${OPEN_SQL} AND ${requests.dueDate} < ${today}`));
  return {
    total: Number(count?.n ?? 0),
    page,
    pages: Math.max(1, Math.ceil(Number(count?.n ?? 0) / pageSize)),
    counts: Object.fromEntries(statusCounts.map((r) => [r.status, Number(r.n)])) as Partial<Record<RequestStatus, number>>,
    overdue: Number(overdue?.n ?? 0),
    rows: rows.map((r) => ({
      ...r,
      recipients: (r.recipients ?? '').split(' ').filter(Boolean),
      assigned: r.assigned,
      ...flags(r.status, r.dueDate, now),
    })),
  };
}

/** Agencies the reader's requests involve (for the counterpart filter). */
export async function counterparts(reader: Reader): Promise<string[]> {
  const visibleTo = requestListAgency(reader);
  const rows = await db()
    .selectDistinct({ code: requestRecipients.agencyCode, requester: requests.requesterAgencyCode })
    .from(requests)
    .innerJoin(requestRecipients, eq(requestRecipients.requestId, requests.id))
    .where(visibleTo ? sql`(${requests.requesterAgencyCode} = ${visibleTo} OR ${hasRecipient(visibleTo)})` : undefined);
  const set = new Set<string>();
  for (const r of rows) {
    set.add(r.code);
    set.add(r.requester);
  }
  set.delete(reader.agencyCode);
  return [...set].sort();
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Refusals of a write on a request that are about who the writer is, not about what they typed. */
const ACCESS_REFUSALS = new Set(['request_not_found', 'request_wrong_side', 'request_not_recipient']);

/**
 * Runs a write and, when it is refused for access (a request the writer may not see, or the wrong
 * side of it), writes a `denied` audit entry after the transaction has rolled back. The target is
 * the id as the request named it, so the entry reveals nothing about a request the actor cannot see.
 */
async function auditedRefusal<T>(actor: RequestActor, action: string, id: number, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof DomainError && ACCESS_REFUSALS.has(error.code))
      await audit(actorOf(actor, actor.ip), { action, target: `#${id}`, outcome: 'denied', detail: { id, reason: error.code } });
    throw error;
  }
}

async function visibleForWrite(actor: RequestActor, id: number, ex: Executor) {
  const loaded = await loadScope(id, ex);
  if (!loaded || !canSee(actor, requestScope(loaded.req.requesterAgencyCode, loaded.recipients)))
    throw new DomainError('request_not_found');
  return { ...loaded, side: requestSide(actor, loaded.req.requesterAgencyCode, loaded.recipients) };
}

export interface TransitionInput {
  /** The answer (answer), the reason (decline) or an optional note (other transitions). */
  text?: string | null;
  now?: Date;
}

export async function transitionRequest(
  actor: RequestActor,
  id: number,
  transition: Transition,
  input: TransitionInput = {},
): Promise<{ status: RequestStatus }> {
  const now = input.now ?? new Date();
  const text = clean(input.text);
  type Outcome = { ok: false; error: string; from: RequestStatus } | { ok: true; to: RequestStatus; mails: () => void };
  const done = await auditedRefusal(actor, 'requests.status', id, () =>
    db().transaction(async (tx): Promise<Outcome> => {
      const { req, side } = await visibleForWrite(actor, id, tx);
      const check = checkTransition(req.status, transition, side);
      if (!check.ok) {
        await audit(
          actorOf(actor, actor.ip),
          {
            action: 'requests.status',
            target: req.reference,
            outcome: 'denied',
            detail: { id, from: req.status, transition, reason: check.code },
          },
          tx,
        );
        return { ok: false, error: check.code, from: req.status };
      }
      if (transition === 'decline' && !text) throw new DomainError('request_reason_required', 'reason');
      if (transition === 'answer' && !text) throw new DomainError('request_answer_required', 'message');
      const to = check.to;
      await tx
        .update(requests)
        .set({
          status: to,
          updatedAt: now,
          declineReason: transition === 'decline' ? text : transition === 'reopen' ? null : req.declineReason,
          acknowledgedAt:
            req.acknowledgedAt ?? (to === 'acknowledged' || to === 'in_progress' || to === 'answered' || to === 'declined' ? now : null),
          answeredAt: req.answeredAt ?? (to === 'answered' ? now : null),
          closedAt: to === 'closed' ? now : req.closedAt,
        })
        .where(eq(requests.id, id));
      if (transition === 'answer' || transition === 'decline') {
        await tx
          .insert(requestMessages)
          .values({ requestId: id, authorId: actor.id, authorAgencyCode: actor.agencyCode, kind: transition, body: text!, createdAt: now });
      }
      await tx.insert(requestEvents).values({
        requestId: id,
        at: now,
        actorId: actor.id,
        actorAgencyCode: actor.agencyCode,
        fromStatus: req.status,
        toStatus: to,
        note: transition === 'answer' ? null : text,
      });
      await audit(actorOf(actor, actor.ip), { action: 'requests.status', target: req.reference, detail: { id, from: req.status, to } }, tx);
      const mails = await notifyParties(tx, { requestId: id, kind: 'status', actor, now, audience: 'all', params: { status: to } });
      return { ok: true, to, mails };
    }),
  );
  if (!done.ok) throw new DomainError(done.error, undefined, { from: done.from });
  done.mails();
  return { status: done.to };
}

export async function replyToRequest(
  actor: RequestActor,
  id: number,
  body: string,
  quotedMessageId?: number | null,
  now: Date = new Date(),
  attach?: RequestAttachHook,
): Promise<{ messageId: number }> {
  const text = clean(body);
  if (!text) throw new DomainError('request_answer_required', 'message');
  const done = await auditedRefusal(actor, 'requests.reply', id, () =>
    writeTransaction(async (raw, tx) => {
      const { req, side } = await visibleForWrite(actor, id, tx);
      if (!side) throw new DomainError('request_wrong_side');
      if (req.status === 'closed') throw new DomainError('request_closed');
      let quoted: number | null = null;
      if (quotedMessageId) {
        const [q] = await tx
          .select({ id: requestMessages.id })
          .from(requestMessages)
          .where(and(eq(requestMessages.id, quotedMessageId), eq(requestMessages.requestId, id)));
        quoted = q?.id ?? null;
      }
      const [m] = await tx
        .insert(requestMessages)
        .values({
          requestId: id,
          authorId: actor.id,
          authorAgencyCode: actor.agencyCode,
          kind: 'reply',
          body: text,
          quotedMessageId: quoted,
          createdAt: now,
        })
        .returning({ id: requestMessages.id });
      await tx.update(requests).set({ updatedAt: now }).where(eq(requests.id, id));
      if (attach) await attach(raw, tx, id, m!.id);
      const mails = await notifyParties(tx, { requestId: id, kind: 'reply', actor, now, audience: 'all' });
      return { id: m!.id, mails };
    }),
  );
  done.mails();
  return { messageId: done.id };
}

/** Colleagues of the reader's agency who can be assigned (active accounts). */
export async function colleagues(reader: Reader): Promise<{ id: string; name: string }[]> {
  return db()
    .select({ id: users.id, name: users.displayName })
    .from(users)
    .innerJoin(agencies, eq(agencies.id, users.agencyId))
    .where(and(eq(agencies.code, reader.agencyCode), eq(users.disabled, false)))
    .orderBy(asc(users.displayName));
}

export async function assignRequest(actor: RequestActor, id: number, assigneeId: string | null): Promise<void> {
  const done = await auditedRefusal(actor, 'requests.assign', id, () =>
    db().transaction(async (tx) => {
      const { req, side } = await visibleForWrite(actor, id, tx);
      if (side !== 'recipient') throw new DomainError('request_not_recipient');
      if (assigneeId) {
        const [u] = await tx
          .select({ id: users.id })
          .from(users)
          .innerJoin(agencies, eq(agencies.id, users.agencyId))
          .where(and(eq(users.id, assigneeId), eq(agencies.code, actor.agencyCode), eq(users.disabled, false)));
        if (!u) throw new DomainError('request_assignee_invalid', 'assignee');
      }
      await tx
        .update(requestRecipients)
        .set({ assignedTo: assigneeId })
        .where(and(eq(requestRecipients.requestId, id), eq(requestRecipients.agencyCode, actor.agencyCode)));
      await tx.update(requests).set({ updatedAt: new Date() }).where(eq(requests.id, id));
      await audit(actorOf(actor, actor.ip), { action: 'requests.assign', target: req.reference, detail: { id, assigneeId } }, tx);
      if (assigneeId && assigneeId !== actor.id)
        return notifyParties(tx, { requestId: id, kind: 'assigned', actor, now: new Date(), audience: 'users', userIds: [assigneeId] });
      return () => {};
    }),
  );
  done();
}

export { isOpen };

/** The list (every page of it) as CSV in the reader's language; audited as an export. */
export async function exportRequestsCsv(reader: RequestActor, filter: RequestFilter, lang: 'es' | 'en'): Promise<string> {
  const rows: (string | number | null)[][] = [];
  for (let page = 1; ; page++) {
    const result = await listRequests(reader, { ...filter, page, pageSize: 100 });
    for (const r of result.rows) {
      rows.push([
        r.reference,
        r.requesterAgencyCode,
        r.recipients.join(' '),
        translate(lang, `requests.type.${r.type}`),
        r.subject,
        translate(lang, `requests.priority.${r.priority}`),
        translate(lang, `requests.status.${r.status}`),
        r.dueDate,
        r.overdue ? translate(lang, 'common.yes') : translate(lang, 'common.no'),
        r.handlingCode,
        r.createdAt.toISOString(),
        r.updatedAt.toISOString(),
      ]);
    }
    if (page >= result.pages) break;
  }
  const t = (k: Parameters<typeof translate>[1]) => translate(lang, k);
  const header = [
    t('requests.col.reference'),
    t('requests.col.from'),
    t('requests.col.to'),
    t('field.type'),
    t('requests.col.subject'),
    t('requests.col.priority'),
    t('requests.col.status'),
    t('requests.col.due'),
    t('requests.overdue'),
    t('requests.handling.label'),
    t('requests.detail.created'),
    t('requests.sort.updated'),
  ];
  await audit(actorOf(reader, reader.ip), { action: 'requests.export', target: 'requests', detail: { filter, rows: rows.length, lang } });
  return toCsv([header, ...rows]);
}
