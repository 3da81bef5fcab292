// Every date-time a reader sees is in the reader's time zone (users.time_zone, chosen on the
// account page): the same events read one hour apart by a member in Mexico City (UTC-6 all year)
// and in New York (UTC-5 in winter, UTC-4 in summer), on each page that shows a moment. The lint
// rule in eslint.config.js keeps formatting in src/i18n/locale.ts; this test checks that the pages
// pass the reader's zone to it.
import { createClient, type InValue } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseHTML } from 'linkedom';
import { HttpClient } from '#tests/helpers/http.ts';
import { formatDate, type Lang } from '#src/i18n/locale.ts';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
const ZONES = ['America/Mexico_City', 'America/New_York'] as const;

async function sql(query: string, args: InValue[] = []) {
  const db = createClient({ url: inject('databaseUrl') });
  try {
    return (await db.execute({ sql: query, args })).rows;
  } finally {
    db.close();
  }
}
async function signedIn(email: string, lang: Lang = 'es'): Promise<HttpClient> {
  const c = new HttpClient(baseUrl, inject('databaseUrl'));
  const res = await c.signIn(email, password, lang);
  expect(res.status, `sign-in ${email}`).toBe(303);
  return c;
}
async function setZone(c: HttpClient, timeZone: string) {
  const res = await c.post('/es/account?_action=setTimeZone', { timeZone });
  expect(res.status, await res.clone().text()).toBe(200);
}
async function mainText(c: HttpClient, path: string): Promise<string> {
  const res = await c.get(path);
  expect(res.status, path).toBe(200);
  const { document } = parseHTML(await res.text());
  return (document.querySelector('main')?.textContent ?? '').replace(/\s+/g, ' ');
}
const at = (value: unknown) => new Date(Number(value));

/** "hh:mm" of a moment in a zone, worked out by hand (the page must agree with arithmetic, not only with formatDate). */
function clock(moment: Date, offsetHours: number): string {
  const shifted = new Date(moment.getTime() + offsetHours * 3_600_000);
  return `${String(shifted.getUTCHours()).padStart(2, '0')}:${String(shifted.getUTCMinutes()).padStart(2, '0')}`;
}

describe('times follow the reader’s time zone: Mexico City and New York read the same events an hour apart', () => {
  let fgr: HttpClient;
  let atf: HttpClient;
  let admin: HttpClient;
  const events: Array<{ name: string; path: (lang: Lang) => string; moment: Date }> = [];

  beforeAll(async () => {
    fgr = await signedIn('analyst.fgr@demo.test');
    atf = await signedIn('agent.atf@demo.test', 'en');
    admin = await signedIn('admin@demo.test');

    // A request from ATF to FGR: its page, and the notification FGR gets.
    const created = await atf.post('/en/requests/new?_action=createRequest', {
      addressed: 'FGR',
      type: 'records_check',
      subject: 'Time zone check',
      body: 'Please check the importer records.',
      lang: 'en',
      priority: 'routine',
      handlingCode: 'H2',
    });
    expect(created.status, await created.clone().text()).toBe(303);
    const requestId = Number(/\/requests\/(\d+)/.exec(created.headers.get('location') ?? '')?.[1]);
    const [request] = await sql('SELECT created_at FROM requests WHERE id = ?', [requestId]);
    events.push({ name: 'request', path: (lang) => `/${lang}/requests/${requestId}`, moment: at(request!.created_at) });
    const [notification] = await sql(
      "SELECT n.created_at FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email = 'analyst.fgr@demo.test' ORDER BY n.created_at DESC LIMIT 1",
    );
    events.push({ name: 'notification', path: (lang) => `/${lang}/notifications`, moment: at(notification!.created_at) });

    // A thread FGR starts.
    const [category] = await sql("SELECT id FROM thread_categories WHERE slug = 'general'");
    const thread = await fgr.post(
      '/es/foros/nuevo?_action=createThread',
      new URLSearchParams({
        lang: 'es',
        tags: '',
        handlingCode: 'H1',
        audience: 'category',
        categoryId: String(category!.id),
        title: 'Prueba de zonas horarias',
        postBody: 'Texto de la prueba.',
      }),
    );
    expect(thread.status, await thread.clone().text()).toBe(303);
    const threadId = Number(/\/(?:hilos|threads)\/(\d+)/.exec(thread.headers.get('location') ?? '')?.[1]);
    const [post] = await sql('SELECT created_at FROM thread_posts WHERE thread_id = ? ORDER BY id LIMIT 1', [threadId]);
    events.push({
      name: 'thread',
      path: (lang) => (lang === 'es' ? `/es/foros/hilos/${threadId}` : `/en/forums/threads/${threadId}`),
      moment: at(post!.created_at),
    });

    // A document FGR uploads.
    const fd = new FormData();
    fd.append('files', new Blob([new TextEncoder().encode('casquillos 7.62x39\n')], { type: 'text/plain' }), 'zonas.txt');
    for (const [k, v] of Object.entries({
      language: 'es',
      documentType: 'trace_result',
      handlingCode: 'H1',
      scope: 'agencies',
      scopeAgencies: 'FGR',
      versionPolicy: 'owner',
    }))
      fd.append(k, v);
    const uploaded = await fgr.postMultipart('/es/documents/new', fd);
    expect(uploaded.status, await uploaded.clone().text()).toBe(303);
    const documentId = Number(/\/documents\/(\d+)/.exec(uploaded.headers.get('location') ?? '')?.[1]);
    const [version] = await sql('SELECT created_at FROM document_versions WHERE document_id = ? ORDER BY id LIMIT 1', [documentId]);
    events.push({ name: 'document', path: (lang) => `/${lang}/documents/${documentId}`, moment: at(version!.created_at) });
  });

  afterAll(async () => {
    // Back to the default (the agency's country).
    await setZone(fgr, '');
    await setZone(admin, '');
  });

  for (const lang of ['es', 'en'] as const) {
    it(`requests, notifications, threads and documents (${lang})`, async () => {
      expect(events.map((e) => e.name)).toEqual(['request', 'notification', 'thread', 'document']);
      for (const zone of ZONES) {
        await setZone(fgr, zone);
        for (const e of events) {
          const text = await mainText(fgr, e.path(lang));
          const shown = formatDate(e.moment, lang, 'datetime', zone);
          expect(text, `${e.name} in ${zone}`).toContain(shown);
          // The hour a reader of that zone reads on a clock (Mexico City UTC-6; New York UTC-5 or -4).
          const offset = zone === 'America/Mexico_City' ? -6 : isNewYorkSummer(e.moment) ? -4 : -5;
          expect(shown, `${e.name} in ${zone}`).toContain(clock(e.moment, offset));
          const other = formatDate(e.moment, lang, 'datetime', zone === ZONES[0] ? ZONES[1] : ZONES[0]);
          expect(text, `${e.name} in ${zone} shows no other zone's time`).not.toContain(other);
        }
      }
    });
  }

  it('the audit log (admin, moments in the reader’s zone with the zone named in the heading)', async () => {
    const hour = (zone: string, iso: string) =>
      clock(new Date(iso), zone === 'America/Mexico_City' ? -6 : isNewYorkSummer(new Date(iso)) ? -4 : -5);
    const read: Record<string, string> = {};
    for (const zone of ZONES) {
      await setZone(admin, zone);
      const res = await admin.get('/es/admin/audit?action=requests.create');
      expect(res.status).toBe(200);
      const { document } = parseHTML(await res.text());
      const first = document.querySelector('tbody time');
      const iso = first?.getAttribute('datetime') ?? '';
      expect(iso).toMatch(/^\d{4}-\d\d-\d\dT/);
      const shown = (first?.textContent ?? '').trim();
      expect(shown).toBe(formatDate(new Date(iso), 'es', 'moment', zone));
      expect(shown).toContain(hour(zone, iso));
      read[zone] = `${iso} ${shown}`;
    }
    // The same row, read an hour apart.
    expect(read[ZONES[0]]!.slice(0, 24)).toBe(read[ZONES[1]]!.slice(0, 24));
    expect(read[ZONES[0]]).not.toBe(read[ZONES[1]]);
  });
});

/** New York keeps daylight time from the second Sunday of March to the first Sunday of November (UTC-4). */
function isNewYorkSummer(moment: Date): boolean {
  const year = moment.getUTCFullYear();
  const nthSunday = (month: number, n: number) => {
    const first = new Date(Date.UTC(year, month, 1));
    return 1 + ((7 - first.getUTCDay()) % 7) + (n - 1) * 7;
  };
  const start = Date.UTC(year, 2, nthSunday(2, 2), 7); // 02:00 EST
  const end = Date.UTC(year, 10, nthSunday(10, 1), 6); // 02:00 EDT
  return moment.getTime() >= start && moment.getTime() < end;
}
