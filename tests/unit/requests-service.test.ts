import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, notifications, requests } from '#db/schema/index.ts';
import { db } from '#src/server/db.ts';
import { seedForTest } from '#tests/helpers/seed.ts';
import { DomainError } from '#src/server/errors.ts';
import { seedDemoRequests, DEMO_REQUESTS } from '#src/server/requests/demo.ts';
import { exportMetricsCsv, requestMetrics } from '#src/server/requests/metrics.ts';
import { listNotifications, markNotificationsRead, sweepDueNotifications, unreadCount } from '#src/server/requests/notify.ts';
import {
  assignRequest,
  createRequest,
  exportRequestsCsv,
  getRequest,
  listRequests,
  openRequest,
  replyToRequest,
  transitionRequest,
  type NewRequestInput,
  type RequestActor,
} from '#src/server/requests/service.ts';
import { REQUEST_STATUSES } from '#db/schema/index.ts';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';
import { seededActor } from '#src/server/seed.ts';

let cleanup: () => void;
const who: Record<string, RequestActor> = {};

const actor = (email: string): Promise<RequestActor> => seededActor(email, '10.0.0.9');

beforeAll(async () => {
  ({ cleanup } = await useTempDatabase());
  // The demo requests, and enough demo seizures for the first one to find its Reynosa seizure (the 95th).
  await seedForTest('unit-test-passphrase', { seizures: 120, requests: true });
  for (const [k, email] of Object.entries({
    atf: 'agent.atf@demo.test',
    fgr: 'analyst.fgr@demo.test',
    sedena: 'analyst.sedena@demo.test',
    admin: 'admin@demo.test',
    hsi: 'agent.hsi@demo.test',
  })) {
    who[k] = await actor(email);
  }
});
afterAll(() => cleanup());

const base: NewRequestInput = {
  addressed: ['FGR'],
  type: 'records_check',
  subject: 'Records check on a Reynosa seizure',
  body: 'Please check **these** records.',
  lang: 'en',
  priority: 'routine',
  handlingCode: 'H1',
};

async function domainCode(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (e) {
    if (e instanceof DomainError) return e.field ? `${e.code}@${e.field}` : e.code;
    throw e;
  }
  return 'no error';
}

describe('demo requests', () => {
  it('cover every status, both languages and overdue requests, and seeding again adds nothing', async () => {
    const rows = await db().select().from(requests);
    expect(rows.length).toBe(DEMO_REQUESTS.length);
    for (const s of REQUEST_STATUSES)
      expect(
        rows.some((r) => r.status === s),
        s,
      ).toBe(true);
    expect(new Set(rows.map((r) => r.lang))).toEqual(new Set(['es', 'en']));
    const today = new Date().toISOString().slice(0, 10);
    expect(
      rows.filter((r) => ['sent', 'acknowledged', 'in_progress', 'reopened'].includes(r.status) && r.dueDate < today).length,
    ).toBeGreaterThanOrEqual(2);
    expect(rows.every((r) => /^SOL-\d{4}-\d{6}$/.test(r.reference))).toBe(true);
    // The first one is linked to a demo seizure, with that seizure's firearms.
    const first = rows.find((r) => r.subject === DEMO_REQUESTS[0]!.subject)!;
    expect(first.seizureId).not.toBeNull();
    const linked = await getRequest(first.id, who.atf!);
    expect(linked!.firearms.length).toBeGreaterThanOrEqual(2);
    expect(linked!.firearms.every((f) => f.seizureId === first.seizureId)).toBe(true);
    expect(await seedDemoRequests()).toBe(0);
    expect((await db().select().from(requests)).length).toBe(DEMO_REQUESTS.length);
  });
});

describe('creating a request', () => {
  it('validates recipients, urgency, H3, due date and trace firearms, naming the field or row', async () => {
    expect(await domainCode(createRequest(who.atf!, { ...base, addressed: ['ATF'] }))).toBe('request_no_recipients@addressed');
    expect(await domainCode(createRequest(who.atf!, { ...base, addressed: ['NOPE'] }))).toBe('request_unknown_agency@addressed');
    expect(await domainCode(createRequest(who.atf!, { ...base, priority: 'urgent' }))).toBe(
      'request_justification_required@urgencyJustification',
    );
    expect(await domainCode(createRequest(who.atf!, { ...base, handlingCode: 'H3' }))).toBe('request_handling_note_required@handlingNote');
    expect(await domainCode(createRequest(who.atf!, { ...base, dueDate: '2001-01-01' }))).toBe('request_due_in_past@dueDate');
    expect(await domainCode(createRequest(who.atf!, { ...base, type: 'firearm_trace' }))).toBe('request_firearm_required@firearms');
    const partial = {
      manufacturer: 'Colt',
      model: null,
      calibre: null,
      serial: null,
      type: null,
      countryOfOrigin: null,
      importer: null,
      obliteratedSerial: false,
    };
    const empty = { ...partial, manufacturer: null };
    expect(await domainCode(createRequest(who.atf!, { ...base, type: 'firearm_trace', firearms: [empty, partial] }))).toBe(
      'request_firearm_incomplete@firearms',
    );
    expect(await domainCode(createRequest(who.atf!, { ...base, seizureId: 999_999 }))).toBe('request_seizure_not_found@seizureId');
  });

  it('gives readable, consecutive references, a default due date, history and an audit entry', async () => {
    const a = await createRequest(who.atf!, base);
    const b = await createRequest(who.atf!, { ...base, priority: 'immediate' });
    const [ra] = await db().select().from(requests).where(eq(requests.id, a.id));
    const [rb] = await db().select().from(requests).where(eq(requests.id, b.id));
    expect(Number(b.reference.slice(-6))).toBe(Number(a.reference.slice(-6)) + 1);
    expect(ra!.dueDate > rb!.dueDate).toBe(true);
    const detail = await getRequest(a.id, who.fgr!);
    expect(detail?.events.map((e) => e.toStatus)).toEqual(['sent']);
    expect(detail?.bodyHtml).toContain('<strong>these</strong>');
    const logged = await db().select().from(auditLog).where(eq(auditLog.target, a.reference));
    expect(logged.map((r) => r.action)).toContain('requests.create');
  });

  it('sanitises Markdown', async () => {
    const { id } = await createRequest(who.atf!, {
      ...base,
      body: 'Hi <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>',
    });
    const html = (await getRequest(id, who.atf!))!.bodyHtml;
    expect(html).not.toMatch(/<script|javascript:|onerror|<img/i);
  });
});

describe('status changes through the service', () => {
  it('runs the happy path, refuses illegal and wrong-side transitions, and keeps full history', async () => {
    const { id, reference } = await createRequest(who.atf!, base);
    expect(await domainCode(transitionRequest(who.atf!, id, 'acknowledge'))).toBe('request_wrong_side');
    expect(await domainCode(transitionRequest(who.fgr!, id, 'answer', { text: 'x' }))).toBe('request_illegal_transition');
    expect(await domainCode(transitionRequest(who.sedena!, id, 'acknowledge'))).toBe('request_not_found');
    await transitionRequest(who.fgr!, id, 'acknowledge');
    expect(await domainCode(transitionRequest(who.fgr!, id, 'answer', { text: '' }))).toBe('request_answer_required@message');
    await transitionRequest(who.fgr!, id, 'start');
    await transitionRequest(who.fgr!, id, 'answer', { text: 'Sin antecedentes.' });
    expect(await domainCode(transitionRequest(who.fgr!, id, 'close'))).toBe('request_wrong_side');
    await transitionRequest(who.atf!, id, 'close');
    await transitionRequest(who.atf!, id, 'reopen', { text: 'One more question' });
    expect(await domainCode(transitionRequest(who.fgr!, id, 'decline', { text: '' }))).toBe('request_reason_required@reason');
    await transitionRequest(who.fgr!, id, 'decline', { text: 'Fuera de competencia' });
    const d = (await getRequest(id, who.atf!))!;
    expect(d.status).toBe('declined');
    expect(d.declineReason).toBe('Fuera de competencia');
    expect(d.events.map((e) => `${e.fromStatus ?? '-'}>${e.toStatus}`)).toEqual([
      '->sent',
      'sent>acknowledged',
      'acknowledged>in_progress',
      'in_progress>answered',
      'answered>closed',
      'closed>reopened',
      'reopened>declined',
    ]);
    expect(d.messages.map((m) => m.kind)).toEqual(['answer', 'decline']);
    expect(d.acknowledgedAt).not.toBeNull();
    expect(d.answeredAt).not.toBeNull();
    const logged = await db().select().from(auditLog).where(eq(auditLog.target, reference));
    expect(logged.filter((r) => r.action === 'requests.status' && r.outcome === 'ok').length).toBe(6);
    expect(logged.filter((r) => r.action === 'requests.status' && r.outcome === 'denied').length).toBeGreaterThanOrEqual(2);
  });

  it('records replies with quotes, first opening by the addressed side, and assignment within the agency', async () => {
    const { id } = await createRequest(who.atf!, base);
    const opened = await openRequest(id, who.fgr!);
    expect(opened?.recipientRows[0]?.firstOpenedAt).toBeInstanceOf(Date);
    const first = await replyToRequest(who.fgr!, id, 'Pregunta: ¿fecha del aseguramiento?');
    await replyToRequest(who.atf!, id, '> Pregunta\n\nMarch 3rd.', first.messageId);
    const d = (await getRequest(id, who.atf!))!;
    expect(d.messages[1]?.quotedMessageId).toBe(first.messageId);
    expect(await domainCode(assignRequest(who.atf!, id, who.atf!.id))).toBe('request_not_recipient');
    expect(await domainCode(assignRequest(who.fgr!, id, who.sedena!.id))).toBe('request_assignee_invalid@assignee');
    await assignRequest(who.fgr!, id, who.fgr!.id);
    const mine = await listRequests(who.fgr!, { box: 'assigned' });
    expect(mine.rows.some((r) => r.id === id)).toBe(true);
    await transitionRequest(who.atf!, id, 'close');
    expect(await domainCode(replyToRequest(who.fgr!, id, 'late'))).toBe('request_closed');
  });

  it('audits refused writes by the wrong side or an agency that cannot see the request, naming only the id asked for', async () => {
    const { id, reference } = await createRequest(who.atf!, base);
    expect(await domainCode(replyToRequest(who.sedena!, id, 'forged'))).toBe('request_not_found');
    expect(await domainCode(assignRequest(who.sedena!, id, who.sedena!.id))).toBe('request_not_found');
    expect(await domainCode(transitionRequest(who.sedena!, id, 'acknowledge'))).toBe('request_not_found');
    expect(await domainCode(assignRequest(who.atf!, id, who.atf!.id))).toBe('request_not_recipient');
    const denied = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.target, `#${id}`), eq(auditLog.outcome, 'denied')));
    const bySedena = denied.filter((r) => r.userId === who.sedena!.id);
    expect(bySedena.map((r) => r.action).sort()).toEqual(['requests.assign', 'requests.reply', 'requests.status']);
    // The refusal names the id the forged request carried, never the hidden request's reference.
    expect(bySedena.every((r) => !(r.detail ?? '').includes(reference))).toBe(true);
    expect(denied.filter((r) => r.userId === who.atf!.id).map((r) => (JSON.parse(r.detail ?? '{}') as { reason?: string }).reason)).toEqual(
      ['request_not_recipient'],
    );
    // Nothing was written by the refused reply.
    expect((await getRequest(id, who.atf!))!.messages).toHaveLength(0);
  });
});

describe('access matrix: requesting agency, addressed agency, third agency, admin', () => {
  it('holds for list, detail, notifications, export and metrics', async () => {
    const subject = 'Matrix check: rifles from Nogales';
    const metricsBefore = new Map<string, { sent: number; received: number }>();
    for (const r of [who.atf!, who.fgr!, who.sedena!, who.hsi!, who.admin!]) {
      const m = await requestMetrics(r);
      metricsBefore.set(r.id, { sent: m.sent.count, received: m.received.count });
    }
    const { id, reference } = await createRequest(who.atf!, { ...base, subject });
    await replyToRequest(who.fgr!, id, 'Recibido.');
    const cases: [string, RequestActor, boolean][] = [
      ['requester', who.atf!, true],
      ['addressed', who.fgr!, true],
      ['third', who.sedena!, false],
      ['third (same country as requester)', who.hsi!, false],
      ['admin', who.admin!, true],
    ];
    for (const [label, reader, sees] of cases) {
      const list = await listRequests(reader, { box: 'all', pageSize: 100 });
      expect(
        list.rows.some((r) => r.id === id),
        `${label} list`,
      ).toBe(sees);
      expect(Boolean(await getRequest(id, reader)), `${label} detail`).toBe(sees);
      expect(Boolean(await openRequest(id, reader, { audit: false })), `${label} open`).toBe(sees);
      const csv = await exportRequestsCsv(reader, { box: 'all' }, 'en');
      expect(csv.includes(reference), `${label} export`).toBe(sees);
      const metrics = await requestMetrics(reader);
      const before = metricsBefore.get(reader.id)!;
      const counted = metrics.sent.count - before.sent + (metrics.received.count - before.received);
      // Admins see the whole portal (sent and received both count every request).
      expect(counted, `${label} metrics`).toBe(label === 'admin' ? 2 : sees ? 1 : 0);
      const mcsv = await exportMetricsCsv(reader, { userId: reader.id }, null, 'es');
      expect(mcsv.split('\n')[1], `${label} metrics csv`).toContain(String(metrics.sent.count));
    }
    // Notifications: the requester got the reply, the third agency nothing about it.
    expect((await listNotifications(who.atf!)).items.some((n) => n.requestId === id && n.kind === 'reply')).toBe(true);
    expect((await listNotifications(who.sedena!)).items.some((n) => n.requestId === id)).toBe(false);
    // A member cannot ask for another agency's metrics: the agency is forced to their own.
    expect((await requestMetrics(who.sedena!, 'ATF')).agency).toBe('SEDENA');
    expect((await requestMetrics(who.admin!, 'ATF')).agency).toBe('ATF');
  });

  it('shows the addressed agency only what it received in the inbox and what it sent in the outbox', async () => {
    const inbox = await listRequests(who.fgr!, { box: 'inbox', pageSize: 100 });
    const outbox = await listRequests(who.fgr!, { box: 'outbox', pageSize: 100 });
    expect(inbox.rows.every((r) => r.recipients.includes('FGR'))).toBe(true);
    expect(outbox.rows.every((r) => r.requesterAgencyCode === 'FGR')).toBe(true);
    expect(inbox.total).toBeGreaterThan(0);
    expect(outbox.total).toBeGreaterThan(0);
    const overdue = await listRequests(who.fgr!, { box: 'all', overdue: true });
    expect(overdue.rows.length).toBeGreaterThan(0);
    expect(overdue.rows.every((r) => r.overdue)).toBe(true);
    expect(overdue.total).toBe((await listRequests(who.fgr!, { box: 'all' })).overdue);
    const filtered = await listRequests(who.fgr!, { box: 'all', counterpart: 'MP-GT', status: 'acknowledged' });
    expect(filtered.rows.length).toBeGreaterThan(0);
    expect(
      filtered.rows.every((r) => r.status === 'acknowledged' && (r.requesterAgencyCode === 'MP-GT' || r.recipients.includes('MP-GT'))),
    ).toBe(true);
  });
});

describe('notifications', () => {
  it('notify the other side of a new request, replies and status changes, count unread and mark read', async () => {
    await markNotificationsRead(who.fgr!, 'all');
    await markNotificationsRead(who.atf!, 'all');
    const { id } = await createRequest(who.atf!, base);
    expect(await unreadCount(who.fgr!)).toBeGreaterThanOrEqual(1);
    const fgrItems = (await listNotifications(who.fgr!, { unreadOnly: true })).items.filter((n) => n.requestId === id);
    expect(fgrItems.map((n) => n.kind)).toEqual(['new_request']);
    expect(fgrItems[0]?.params.agency).toBe('ATF');
    await transitionRequest(who.fgr!, id, 'acknowledge');
    const atfItems = (await listNotifications(who.atf!, { unreadOnly: true })).items.filter((n) => n.requestId === id);
    expect(atfItems.map((n) => `${n.kind}:${n.params.status}`)).toEqual(['status:acknowledged']);
    // The actor is never notified of their own action.
    expect((await listNotifications(who.fgr!, { unreadOnly: true })).items.filter((n) => n.requestId === id).map((n) => n.kind)).toEqual([
      'new_request',
    ]);
    await openRequest(id, who.fgr!, { audit: false });
    expect((await listNotifications(who.fgr!, { unreadOnly: true })).items.filter((n) => n.requestId === id)).toEqual([]);
  });

  it('sweeps due-soon and overdue notifications once', async () => {
    const before = await db().select().from(notifications).where(eq(notifications.kind, 'overdue'));
    await sweepDueNotifications();
    const after = await db().select().from(notifications).where(eq(notifications.kind, 'overdue'));
    await sweepDueNotifications();
    const again = await db().select().from(notifications).where(eq(notifications.kind, 'overdue'));
    expect(after.length).toBeGreaterThanOrEqual(before.length);
    expect(after.length).toBeGreaterThan(0);
    expect(again.length).toBe(after.length);
  });
});
