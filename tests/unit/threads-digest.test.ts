/**
 * The daily digest of forum notifications (a member chooses "daily digest" on the account page):
 * built at most once a day, in the member's language, with only what they may still see, and
 * nothing from a thread they muted (before or after the reply was written). Real SMTP on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { threadCategories } from '#db/schema/index.ts';
import { reloadConfig } from '#src/server/config.ts';
import { db } from '#src/server/db.ts';
import { seedDemoData } from '#src/server/demo.ts';
import { markNotificationsRead, unreadCount } from '#src/server/notifications/center.ts';
import { sendDigests } from '#src/server/notifications/deliver.ts';
import { flushMail } from '#src/server/notifications/mail.ts';
import { setEmailMode } from '#src/server/notifications/settings.ts';
import { setThreadFollow } from '#src/server/threads/follows.ts';
import { moderateThread } from '#src/server/threads/moderation.ts';
import { createThread, replyToThread, type NewThreadInput } from '#src/server/threads/posting.ts';
import type { ThreadActor } from '#src/server/threads/store.ts';
import { startMailCatcher, type MailCatcher } from '#tests/helpers/mail-catcher.ts';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';
import { seededActor } from '#src/server/seed.ts';

let cleanup: () => void;
let mail: MailCatcher;
let received: MailCatcher['received'] = [];
const who: Record<string, ThreadActor> = {};
let general = 0;
const DAY = 86_400_000;

const actor = (email: string): Promise<ThreadActor> => seededActor(email);

beforeAll(async () => {
  mail = await startMailCatcher();
  received = mail.received;
  process.env.DEMO_SEIZURES = '20';
  process.env.THREAD_POST_LIMIT = '1000';
  ({ cleanup } = await useTempDatabase());
  await seedDemoData('unit-test-passphrase');
  process.env.SMTP_URL = mail.url;
  process.env.PUBLIC_ORIGIN = 'https://armas.example.gov';
  reloadConfig();
  for (const [k, email] of Object.entries({
    atf: 'agent.atf@demo.test',
    hsi: 'agent.hsi@demo.test',
    fgr: 'analyst.fgr@demo.test',
    cbp: 'moderator.cbp@demo.test',
  }))
    who[k] = await actor(email);
  const [cat] = await db().select().from(threadCategories).where(eq(threadCategories.slug, 'general'));
  general = cat!.id;
});

afterAll(async () => {
  for (const k of ['SMTP_URL', 'PUBLIC_ORIGIN', 'DEMO_SEIZURES', 'THREAD_POST_LIMIT']) delete process.env[k];
  reloadConfig();
  cleanup();
  await mail.close();
});

const thread = (title: string, over: Partial<NewThreadInput> = {}): NewThreadInput => ({
  categoryId: general,
  title,
  body: `Opening post of ${title}`,
  lang: 'en',
  tags: 'digest',
  handlingCode: 'H0',
  audience: 'category',
  ...over,
});

const mailsTo = (email: string) => received.filter((m) => m.to === email);

describe('the daily digest of forum notifications', () => {
  it('is built once a day, in each member’s language, with only what they may still see and nothing from muted threads', async () => {
    // Start from nothing waiting: the demo's own notifications are read.
    for (const u of Object.values(who)) await markNotificationsRead(u, 'all');
    const since = new Date(Date.now() - 1000);
    await setEmailMode(who.fgr!.id, 'daily', since);
    await setEmailMode(who.atf!.id, 'daily', since);

    // FGR (Spanish) starts three threads and so follows them; ATF (English) replies to each.
    const { threadId: kept } = await createThread(who.fgr!, thread('Digest: rastreo de la serie K-1029'));
    const { threadId: mutedLater } = await createThread(who.fgr!, thread('Digest: thread muted after the reply'));
    const { threadId: mutedBefore } = await createThread(who.fgr!, thread('Digest: thread muted before the reply'));
    const { threadId: hidden } = await createThread(who.hsi!, thread('Digest: thread a moderator hides'));
    await setThreadFollow(who.fgr!, mutedBefore, 'muted');
    await replyToThread(who.fgr!, hidden, { body: 'FGR joins, and so follows it.', lang: 'es' });
    await replyToThread(who.atf!, kept, { body: 'Trace result attached, please confirm.', lang: 'en' });
    await replyToThread(who.atf!, mutedLater, { body: 'A reply FGR will mute before the digest.', lang: 'en' });
    await replyToThread(who.atf!, mutedBefore, { body: 'A reply to a thread FGR had muted.', lang: 'en' });
    await replyToThread(who.atf!, hidden, { body: 'A reply in a thread about to be hidden.', lang: 'en' });
    await setThreadFollow(who.fgr!, mutedLater, 'muted');
    await moderateThread(who.cbp!, hidden, 'hide_thread', { reason: 'Duplicate' });
    // FGR answers in Spanish, mentioning ATF: ATF's digest carries the mention.
    await replyToThread(who.fgr!, kept, { body: 'Confirmado, @dana.whitfield: coincide con la serie.', lang: 'es' });

    // Members on the digest get no mail at once.
    await flushMail();
    expect(mailsTo('analyst.fgr@demo.test')).toEqual([]);
    expect(mailsTo('agent.atf@demo.test')).toEqual([]);
    // Not a day since they chose the digest: nothing yet.
    expect(await sendDigests(new Date())).toBe(0);

    const day1 = new Date(since.getTime() + DAY + 5_000);
    expect(await sendDigests(day1)).toBe(2);
    await flushMail();
    const [fgr, ...moreFgr] = mailsTo('analyst.fgr@demo.test');
    expect(moreFgr).toEqual([]);
    expect(fgr!.text).toContain('Armas Cruzadas: resumen diario');
    expect(fgr!.text).toContain('Dana Whitfield (ATF) respondió en «Digest: rastreo de la serie K-1029»');
    expect(fgr!.text).toMatch(/https:\/\/armas\.example\.gov\/es\/foros\/mensajes\/\d+/);
    expect(fgr!.text).toContain('Recibe este resumen diario porque así lo eligió.');
    expect(fgr!.text).not.toContain('muted');
    expect(fgr!.text).not.toContain('hides');
    expect(fgr!.text).not.toContain(`/hilos/${hidden}`);
    // One notice only: the kept thread's reply (the muted and hidden threads' are left out).
    expect(fgr!.text).toContain('Tiene 1 notificación nueva');
    const [atf, ...moreAtf] = mailsTo('agent.atf@demo.test');
    expect(moreAtf).toEqual([]);
    expect(atf!.text).toContain('Armas Cruzadas: daily digest');
    expect(atf!.text).toContain('Lucía Ramírez Ochoa (FGR) mentioned you in “Digest: rastreo de la serie K-1029”');
    expect(atf!.text).toMatch(/https:\/\/armas\.example\.gov\/en\/forums\/posts\/\d+/);
    expect(atf!.text).not.toContain('respondió');
    // The centre still lists them until read: the digest is mail, not a read mark.
    expect(await unreadCount(who.fgr!)).toBeGreaterThan(0);

    // Once a day: the same day again, or an hour later, sends nothing, even with news waiting.
    received.length = 0;
    await replyToThread(who.atf!, kept, { body: 'One more detail for tomorrow.', lang: 'en' });
    expect(await sendDigests(day1)).toBe(0);
    expect(await sendDigests(new Date(day1.getTime() + 3_600_000))).toBe(0);
    // The next day: only what is new since the last digest.
    expect(await sendDigests(new Date(day1.getTime() + DAY + 1_000))).toBe(1);
    await flushMail();
    const [next, ...moreNext] = mailsTo('analyst.fgr@demo.test');
    expect(moreNext).toEqual([]);
    expect(next!.text).toContain('Tiene 1 notificación nueva');
    expect(next!.text).toContain('Dana Whitfield (ATF) respondió en «Digest: rastreo de la serie K-1029»');
    expect(mailsTo('agent.atf@demo.test')).toEqual([]);
  });
});
