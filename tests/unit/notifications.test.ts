/**
 * The notification centre that every room uses: access checked again on every read, e-mail in the
 * recipient's language at once or as one daily digest, or none, as each member chose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { requestRecipients } from '#db/schema/index.ts';
import { db, rawClient } from '#src/server/db.ts';
import { reloadConfig } from '#src/server/config.ts';
import { seedForTest } from '#tests/helpers/seed.ts';
import { listNotifications, markNotificationsRead, unreadCount, unreadCountQuery } from '#src/server/notifications/center.ts';
import { sendDigests } from '#src/server/notifications/deliver.ts';
import { flushMail } from '#src/server/notifications/mail.ts';
import { emailMode, setEmailMode } from '#src/server/notifications/settings.ts';
import { createRequest, replyToRequest, type RequestActor } from '#src/server/requests/service.ts';
import { startMailCatcher, type MailCatcher } from '#tests/helpers/mail-catcher.ts';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';
import { seededActor } from '#src/server/seed.ts';

let cleanup: () => void;
let mail: MailCatcher;
let received: MailCatcher['received'] = [];
const who: Record<string, RequestActor> = {};

const actor = (email: string): Promise<RequestActor> => seededActor(email);

beforeAll(async () => {
  mail = await startMailCatcher();
  received = mail.received;
  ({ cleanup } = await useTempDatabase());
  await seedForTest('unit-test-passphrase', { seizures: 20, requests: true });
  process.env.SMTP_URL = mail.url;
  process.env.PUBLIC_ORIGIN = 'https://armas.example.gov';
  reloadConfig();
  for (const [k, email] of Object.entries({
    atf: 'agent.atf@demo.test',
    fgr: 'analyst.fgr@demo.test',
    admin: 'admin@demo.test',
    sedena: 'analyst.sedena@demo.test',
  }))
    who[k] = await actor(email);
  for (const u of Object.values(who)) await markNotificationsRead(u, 'all');
});

afterAll(async () => {
  delete process.env.SMTP_URL;
  delete process.env.PUBLIC_ORIGIN;
  reloadConfig();
  cleanup();
  await mail.close();
});

const request = (subject: string) => ({
  addressed: ['FGR'],
  type: 'records_check' as const,
  subject,
  body: 'Please check the records.',
  lang: 'en' as const,
  priority: 'routine' as const,
  handlingCode: 'H1' as const,
});

describe('notification centre', () => {
  it('words each notification in the reader’s language and links it to its subject', async () => {
    const { id, reference } = await createRequest(who.atf!, request('Centre wording check'));
    const es = (await listNotifications(who.fgr!, { unreadOnly: true, lang: 'es' })).items.find((n) => n.subjectId === id);
    expect(es?.text).toBe(`Nueva solicitud ${reference} de ATF: Centre wording check`);
    expect(es?.href).toBe(`/es/requests/${id}`);
    const en = (await listNotifications(who.fgr!, { unreadOnly: true, lang: 'en' })).items.find((n) => n.subjectId === id);
    expect(en?.text).toBe(`New request ${reference} from ATF: Centre wording check`);
  });

  it('checks access again on every read: a member moved to another agency no longer sees old notifications', async () => {
    await markNotificationsRead(who.sedena!, 'all');
    const { id } = await createRequest(who.atf!, { ...request('Moved member check'), addressed: ['SEDENA'] });
    expect(await unreadCount(who.sedena!)).toBe(1);
    // The same account now reads as an FGR member: the SEDENA request is no longer theirs to see.
    const moved = { ...who.sedena!, agencyCode: 'FGR' };
    expect(await unreadCount(moved)).toBe(0);
    expect((await listNotifications(moved)).items.some((n) => n.subjectId === id)).toBe(false);
  });
});

describe('the header badge', () => {
  it('counts a request notification for the requesting and the addressed agency only', async () => {
    for (const u of Object.values(who)) await markNotificationsRead(u, 'all');
    const { id } = await createRequest(who.atf!, request('Badge sides check'));
    await replyToRequest(who.fgr!, id, 'Respuesta de la FGR.');
    // ATF asked, FGR is addressed (and answered), SEDENA is neither; the admin sees every request.
    expect(await unreadCount(who.atf!)).toBe(1);
    expect((await listNotifications(who.atf!, { unreadOnly: true })).items.map((n) => n.subjectId)).toEqual([id]);
    expect(await unreadCount(who.sedena!)).toBe(0);
    expect(await unreadCount({ ...who.atf!, agencyCode: 'SEDENA' })).toBe(0);
  });

  it('checks each unread notification by its subject’s key instead of listing every request, document or thread the reader may see', async () => {
    // On every signed-in page: `subject_id IN (SELECT … every visible row)` read the whole table each time.
    for (const reader of [who.fgr!, who.admin!]) {
      const q = unreadCountQuery(reader).toSQL();
      const plan = await rawClient().execute({ sql: `EXPLAIN QUERY PLAN ${q.sql}`, args: q.params as (string | number | null)[] });
      const steps = plan.rows.map((r) => String(r.detail));
      // Besides the reader's own notifications and their scope tokens, each table is read by primary key (one row per notification).
      const reads = steps.filter((d) => /^(SCAN|SEARCH) /.test(d) && !/^SEARCH (notifications|scope_set_tokens) /.test(d));
      expect(
        reads.filter(
          (d) =>
            !/^SEARCH \w+ USING INTEGER PRIMARY KEY \(rowid=\?\)$|^SEARCH rr USING COVERING INDEX \S+ \(request_id=\? AND agency_code=\?\)$/.test(
              d,
            ),
        ),
      ).toEqual([]);
      for (const alias of ['r', 'd', 't']) expect(reads).toContain(`SEARCH ${alias} USING INTEGER PRIMARY KEY (rowid=?)`);
    }
  });
});

describe('e-mail as each member chooses', () => {
  it('sends at once by default, holds daily-digest mail for the digest, and sends nothing when off', async () => {
    expect(await emailMode(who.fgr!.id)).toBe('immediate');
    await setEmailMode(who.admin!.id, 'daily', new Date(Date.now() - 1000));
    await setEmailMode(who.fgr!.id, 'immediate');
    await flushMail();
    received.length = 0;
    const { id, reference } = await createRequest(who.atf!, request('Mail mode check'));
    await flushMail();
    // FGR's analyst (immediate) gets it in Spanish; FGR's admin (daily digest) does not yet.
    const mine = received.filter((m) => m.text.includes(`/es/requests/${id}`));
    expect(mine.map((m) => m.to)).toEqual(['analyst.fgr@demo.test']);
    expect(mine[0]!.text).toContain(`Nueva solicitud ${reference} de ATF`);
    expect(mine[0]!.text).toContain('https://armas.example.gov/es/requests/');
    expect(mine[0]!.text).toContain('Content-Language: es-MX');

    // Not a day yet: no digest.
    expect(await sendDigests(new Date())).toBe(0);
    await replyToRequest(who.atf!, id, 'A second message.');
    await flushMail();
    const tomorrow = new Date(Date.now() + 86_400_000 + 5000);
    expect(await sendDigests(tomorrow)).toBe(1);
    await flushMail();
    const digest = received.filter((m) => m.to === 'admin@demo.test');
    expect(digest.length).toBe(1);
    expect(digest[0]!.text).toContain('Armas Cruzadas: resumen diario (2 nuevas)');
    expect(digest[0]!.text).toContain(`Nueva solicitud ${reference} de ATF: Mail mode check`);
    expect(digest[0]!.text).toContain(`Nuevo mensaje de ATF en ${reference}`);
    expect(digest[0]!.text).toContain(`https://armas.example.gov/es/requests/${id}`);
    // Claimed once: running again the same day sends nothing, and nothing is carried twice.
    expect(await sendDigests(tomorrow)).toBe(0);
    expect(await sendDigests(new Date(tomorrow.getTime() + 86_400_000 + 1000))).toBe(0);

    await setEmailMode(who.fgr!.id, 'off');
    await flushMail();
    received.length = 0;
    await createRequest(who.atf!, request('Mail off check'));
    await flushMail();
    expect(received.filter((m) => m.to === 'analyst.fgr@demo.test')).toEqual([]);
    expect(await unreadCount(who.fgr!)).toBeGreaterThan(0);
  });

  it('leaves out of a digest what the member read in the portal or may no longer see', async () => {
    await setEmailMode(who.sedena!.id, 'daily', new Date(Date.now() - 1000));
    const start = new Date();
    const { id: seen } = await createRequest(who.atf!, { ...request('Read before digest'), addressed: ['SEDENA'] });
    await markNotificationsRead(who.sedena!, 'all');
    await createRequest(who.atf!, { ...request('Still unread at digest time'), addressed: ['SEDENA'] });
    // Readdressed to HSI (as a data fix would): SEDENA may no longer see it, so the digest leaves it out.
    const { id: gone } = await createRequest(who.atf!, { ...request('Readdressed before digest'), addressed: ['SEDENA'] });
    await db().update(requestRecipients).set({ agencyCode: 'ICE-HSI' }).where(eq(requestRecipients.requestId, gone));
    await flushMail();
    received.length = 0;
    expect(await sendDigests(new Date(start.getTime() + 86_400_000 + 5000))).toBeGreaterThanOrEqual(1);
    await flushMail();
    const digest = received.find((m) => m.to === 'analyst.sedena@demo.test');
    expect(digest?.text).toContain('Still unread at digest time');
    expect(digest?.text).not.toContain('Read before digest');
    expect(digest?.text).not.toContain(`/requests/${seen}`);
    expect(digest?.text).not.toContain('Readdressed before digest');
  });
});
