import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signedIn, sql } from '#tests/helpers/portal-http.ts';
import { HttpClient } from '#tests/helpers/http.ts';
import { startServer, type RunningServer } from '#tests/helpers/start-server.ts';
import { startMailCatcher, type MailCatcher, type ReceivedMail } from '#tests/helpers/mail-catcher.ts';

const baseUrl = inject('baseUrl');

const newRequest = (subject: string, extra: Record<string, string> = {}) => ({
  addressed: 'FGR',
  type: 'records_check',
  subject,
  body: 'Please check the **importer** records.',
  lang: 'en',
  priority: 'routine',
  handlingCode: 'H2',
  ...extra,
});

async function create(c: HttpClient, form: Record<string, string>, lang: 'es' | 'en' = 'en'): Promise<{ id: number; reference: string }> {
  const res = await c.post(`/${lang}/requests/new?_action=createRequest`, form);
  expect(res.status, await res.clone().text()).toBe(303);
  const location = res.headers.get('location') ?? '';
  const id = Number(/\/requests\/(\d+)\?created=1$/.exec(location)?.[1]);
  expect(id).toBeGreaterThan(0);
  const [row] = await sql('SELECT reference FROM requests WHERE id = ?', [id]);
  return { id, reference: String(row?.reference) };
}

describe('information requests over HTTP', () => {
  let atf: HttpClient;
  let fgr: HttpClient;
  let sedena: HttpClient;
  let admin: HttpClient;
  let request: { id: number; reference: string };
  let sedenaMetricsBefore: string;

  beforeAll(async () => {
    atf = await signedIn('agent.atf@demo.test', 'en');
    fgr = await signedIn('analyst.fgr@demo.test', 'es');
    sedena = await signedIn('analyst.sedena@demo.test', 'es');
    admin = await signedIn('admin@demo.test', 'es');
    sedenaMetricsBefore = await (await sedena.get('/es/requests/metrics.csv')).text();
    request = await create(atf, newRequest('HTTP matrix: importer records for Reynosa rifles'));
  });

  it('is for members only: a visitor is sent to sign in', async () => {
    const res = await new HttpClient(baseUrl).get('/en/requests');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toContain('/en/sign-in?next=%2Fen%2Frequests');
  });

  it('shows the new request to the requesting and addressed agencies and to admins, with the handling code', async () => {
    const out = await (await atf.get('/en/requests?box=outbox')).text();
    expect(out).toContain(request.reference);
    const inbox = await (await fgr.get('/es/requests?box=inbox')).text();
    expect(inbox).toContain(request.reference);
    const detail = await fgr.get(`/es/requests/${request.id}`);
    expect(detail.status).toBe(200);
    const html = await detail.text();
    expect(html).toContain('H2 — No transmitir a terceros sin permiso');
    expect(html).toContain('<strong>importer</strong>');
    expect(html).toContain('Acusar recibo');
    expect((await admin.get(`/es/requests/${request.id}`)).status).toBe(200);
  });

  it('hides it from a third agency everywhere: list, detail, print, notifications, export, metrics', async () => {
    for (const box of ['inbox', 'outbox', 'all', 'assigned'])
      expect(await (await sedena.get(`/es/requests?box=${box}`)).text()).not.toContain(request.reference);
    const detail = await sedena.get(`/es/requests/${request.id}`);
    expect(detail.status).toBe(404);
    expect(await detail.text()).toContain('Página no encontrada');
    expect((await sedena.get(`/es/requests/${request.id}/print`)).status).toBe(404);
    expect((await sedena.get('/es/requests/999999')).status).toBe(404);
    expect((await sedena.get('/es/requests/abc')).status).toBe(404);
    expect(await (await sedena.get('/es/notifications')).text()).not.toContain(request.reference);
    expect(await (await sedena.get('/es/requests/export.csv?box=all')).text()).not.toContain(request.reference);
    expect(await (await sedena.get('/es/requests/metrics.csv?agency=ATF')).text()).toBe(sedenaMetricsBefore);
    // The addressed agency's export and the admin's do contain it.
    expect(await (await fgr.get('/es/requests/export.csv?box=inbox')).text()).toContain(request.reference);
    expect(await (await admin.get('/es/requests/export.csv?box=all')).text()).toContain(request.reference);
  });

  it('exports what the filtered list shows: the export link keeps the filters (not the page, not a bogus value) and the file holds the same requests', async () => {
    const evidence = await create(atf, newRequest('HTTP filters: evidence for the Nogales pistols', { type: 'evidence_request' }));
    const page = await (
      await atf.get('/en/requests?box=outbox&type=evidence_request&counterpart=FGR&status=bogus&sort=created&page=1&counterpart=ATF')
    ).text();
    const href = /href="(\/en\/requests\/export\.csv\?[^"]*)"/.exec(page)?.[1]?.replaceAll('&amp;', '&');
    expect(href).toBe('/en/requests/export.csv?box=outbox&type=evidence_request&counterpart=FGR&sort=created');
    const listed = [...page.matchAll(/href="\/en\/requests\/\d+">([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(listed).toContain(evidence.reference);
    expect(listed).not.toContain(request.reference);
    expect(listed.length).toBeLessThan(25);
    const csv = await (await atf.get(href ?? '')).text();
    const exported = csv
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((line) => line.split(',')[0]);
    expect(exported.sort()).toEqual([...listed].sort());
    // An agency the reader exchanges nothing with filters nothing in, on the page and in the file alike.
    const unknown = await (await atf.get('/en/requests?box=outbox&type=evidence_request&counterpart=ZZZ')).text();
    expect(unknown).toContain(evidence.reference);
    expect(await (await atf.get('/en/requests/export.csv?box=outbox&type=evidence_request&counterpart=ZZZ')).text()).toContain(
      evidence.reference,
    );
  });

  it('refuses a status change by the wrong side or from the wrong status, with a translated message, and audits it', async () => {
    const wrongSide = await atf.post(`/en/requests/${request.id}?_action=requestTransition`, {
      id: String(request.id),
      transition: 'acknowledge',
    });
    expect(wrongSide.status).toBe(400);
    expect(await wrongSide.text()).toContain('That status change belongs to the other party of the request.');
    const illegal = await fgr.post(`/es/requests/${request.id}?_action=requestTransition`, {
      id: String(request.id),
      transition: 'answer',
      text: 'x',
    });
    expect(illegal.status).toBe(400);
    expect(await illegal.text()).toContain('No se puede pasar de «Enviada» a ese estado.');
    const stranger = await sedena.post(`/es/requests/${request.id}?_action=requestTransition`, {
      id: String(request.id),
      transition: 'acknowledge',
    });
    expect(stranger.status).toBe(404);
    const [row] = await sql('SELECT status FROM requests WHERE id = ?', [request.id]);
    expect(row?.status).toBe('sent');
  });

  it('runs acknowledge → answer → close over forms, notifies the other side, and records history and audit', async () => {
    const ack = await fgr.post(`/es/requests/${request.id}?_action=requestTransition`, {
      id: String(request.id),
      transition: 'acknowledge',
    });
    expect(await ack.text()).toContain('Se acusó recibo de la solicitud.');
    const answer = await fgr.post(`/es/requests/${request.id}?_action=requestTransition`, {
      id: String(request.id),
      transition: 'answer',
      text: 'No hay registros del importador.',
    });
    expect(await answer.text()).toContain('Respuesta enviada.');
    const notes = await (await atf.get('/en/notifications')).text();
    expect(notes).toContain(`${request.reference} is now “Answered” (FGR)`);
    const close = await atf.post(`/en/requests/${request.id}?_action=requestTransition`, { id: String(request.id), transition: 'close' });
    const html = await close.text();
    expect(html).toContain('Request closed.');
    expect(html).toMatch(/FGR first opened it on/);
    const history = await (await atf.get(`/en/requests/${request.id}/print`)).text();
    for (const s of ['Sent', 'Acknowledged', 'Answered', 'Closed']) expect(history).toContain(s);
    expect(history).toContain('No hay registros del importador.');
    const audits = await sql('SELECT action, outcome, user_email FROM audit_log WHERE target = ? ORDER BY id', [request.reference]);
    const actions = audits.map((r) => `${String(r.action)}:${String(r.outcome)}`);
    expect(actions).toContain('requests.create:ok');
    expect(actions).toContain('requests.view:ok');
    expect(actions).toContain('requests.print:ok');
    expect(actions.filter((a) => a === 'requests.status:ok').length).toBe(3);
    expect(actions).toContain('requests.status:denied');
    const exports = await sql("SELECT count(*) AS n FROM audit_log WHERE action = 'requests.export'");
    expect(Number(exports[0]?.n)).toBeGreaterThanOrEqual(3);
  });

  it('explains bad input in the reader’s language, naming the fields, and creates nothing', async () => {
    const before = await sql('SELECT count(*) AS n FROM requests');
    const es = await fgr.post('/es/requests/new?_action=createRequest', {
      subject: '',
      body: '',
      lang: 'es',
      priority: 'urgent',
      handlingCode: 'H0',
      type: 'records_check',
    });
    expect(es.status).toBe(400);
    const html = await es.text();
    expect(html).toContain('Agencias destinatarias: este dato es obligatorio.');
    expect(html).toContain('Asunto: este dato es obligatorio.');
    const urgent = await fgr.post('/es/requests/new?_action=createRequest', {
      ...newRequest('Urgente sin justificar'),
      lang: 'es',
      priority: 'urgent',
      addressed: 'ATF',
    });
    expect(await urgent.text()).toContain('Justificación de la urgencia: una solicitud urgente necesita justificación.');
    const trace = await atf.post('/en/requests/new?_action=createRequest', {
      ...newRequest('Trace without serial'),
      type: 'firearm_trace',
      fwManufacturer: 'Colt',
      fwCalibre: '',
      fwSerial: '',
      fwObliterated: 'no',
    });
    const traceHtml = await trace.text();
    expect(traceHtml).toContain('Firearms: firearm 1 lacks manufacturer, calibre or serial number');
    // What was typed is still there.
    expect(traceHtml).toContain('value="Colt"');
    expect((await sql('SELECT count(*) AS n FROM requests'))[0]?.n).toBe(before[0]?.n);
  });

  it('refuses a cross-site form post', async () => {
    const res = await atf.post('/en/requests/new?_action=createRequest', newRequest('cross-site'), { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
  });

  it('shows the unread count in the header and the metrics page in both languages', async () => {
    const c = await signedIn('analyst.fgr@demo.test', 'es');
    const home = await (await c.get('/es/')).text();
    expect(home).toMatch(/data-testid="unread-count">\d+</);
    expect(home).toContain('href="/es/requests"');
    const es = await (await c.get('/es/requests/metrics')).text();
    expect(es).toContain('Métricas de cooperación');
    expect(es).toContain('<svg');
    expect(es).not.toMatch(/<style|style="/);
    const en = await (await c.get('/en/requests/metrics')).text();
    expect(en).toContain('Median time to acknowledge');
  });
});

describe('e-mail notifications through SMTP', () => {
  let mail: MailCatcher;
  let server: RunningServer;
  let received: ReceivedMail[] = [];

  beforeAll(async () => {
    mail = await startMailCatcher();
    received = mail.received;
    server = await startServer({ SMTP_URL: mail.url, SMTP_FROM: 'Armas Cruzadas <avisos@armas.test>' });
  });
  afterAll(async () => {
    await server?.stop();
    await mail?.close();
  });

  it('sends each addressed person a message in their own language', async () => {
    const atf = await signedIn('agent.atf@demo.test', 'en', server.baseUrl);
    const subject = 'Mail check: serial range ACB56';
    const res = await atf.post('/en/requests/new?_action=createRequest', { ...newRequest(subject), addressed: 'FGR' });
    expect(res.status).toBe(303);
    const id = /\/requests\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1];
    const forFgr = () => received.find((m) => m.to === 'analyst.fgr@demo.test' && m.text.includes(`/es/requests/${id}`));
    await expect.poll(forFgr, { timeout: 10_000 }).toBeTruthy();
    const mail = forFgr()!;
    expect(mail.text).toContain('From: Armas Cruzadas <avisos@armas.test>');
    expect(mail.text).toMatch(/Subject: .*SOL-\d{4}-\d{6}/);
    // Spanish text for the Spanish-speaking analyst.
    expect(mail.text).toContain(`Nueva solicitud`);
    expect(mail.text).toContain('de ATF: Mail check');
    expect(mail.text).toContain('Código de manejo: H2');
    expect(mail.text).toContain('Content-Language: es-MX');
    // The admin of FGR is notified too.
    await expect
      .poll(() => received.some((m) => m.to === 'admin@demo.test' && m.text.includes(`/requests/${id}`)), { timeout: 10_000 })
      .toBe(true);

    // The answer goes back to the requester in English.
    const fgr = await signedIn('analyst.fgr@demo.test', 'es', server.baseUrl);
    await fgr.post(`/es/requests/${id}?_action=requestTransition`, { id: String(id), transition: 'acknowledge' });
    const forAtf = () => received.find((m) => m.to === 'agent.atf@demo.test' && m.text.includes(`/en/requests/${id}`));
    await expect.poll(forAtf, { timeout: 10_000 }).toBeTruthy();
    expect(forAtf()!.text).toContain('is now “Acknowledged” (FGR)');
    expect(forAtf()!.text).toContain('Content-Language: en-US');
    // A stopping server sends everything it has queued first: then nobody outside FGR has the new
    // request's mail, and the requester did not mail themselves.
    expect(await server.stop()).toBe(0);
    const aboutNewRequest = received.filter(
      (m) => m.text.includes(`/requests/${id}`) && !m.text.includes('Acknowledged') && !m.text.includes('Acusada'),
    );
    expect([...new Set(aboutNewRequest.map((m) => m.to))].sort()).toEqual(['admin@demo.test', 'analyst.fgr@demo.test']);
  });
});
