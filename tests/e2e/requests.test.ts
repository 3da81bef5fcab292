import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signInThroughForm } from '#tests/helpers/browser.ts';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
let browser: Browser;
let seizureId = 0;

async function sql(query: string, args: (string | number)[] = []) {
  const db = createClient({ url: inject('databaseUrl') });
  try {
    return (await db.execute({ sql: query, args })).rows;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  browser = await launchBrowser();
  // Demo seizures in the server's database (through the real writer), unless some exist already.
  const [existing] = await sql('SELECT count(*) AS n FROM seizures');
  if (Number(existing?.n ?? 0) === 0) {
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = inject('databaseUrl');
    const { seedDemoSeizures } = await import('#db/seed/seizures.ts');
    const { closeDb } = await import('#src/server/db.ts');
    await seedDemoSeizures(40);
    closeDb();
    process.env.DATABASE_URL = previous;
  }
  // A seizure every member may see, with at least two firearms that have serial numbers.
  const [row] = await sql(
    `SELECT s.id FROM seizures s JOIN scope_sets ss ON ss.id = s.scope_set_id
     WHERE ss.tokens = 'members' AND (SELECT count(*) FROM firearms f WHERE f.seizure_id = s.id AND f.serial IS NOT NULL) >= 2 ORDER BY s.id LIMIT 1`,
  );
  seizureId = Number(row?.id);
});
afterAll(async () => {
  await browser?.close();
});

async function newPage(locale = 'es-MX'): Promise<Page> {
  const context = await browser.newContext({ locale });
  return context.newPage();
}

describe('an information request from ATF to FGR about a seizure', () => {
  it('is asked in English, acknowledged and answered in Spanish, closed, and invisible to SEDENA', async () => {
    expect(seizureId).toBeGreaterThan(0);
    const sedena = await newPage();
    await signInThroughForm(sedena, baseUrl, 'analyst.sedena@demo.test', password);
    const sedenaMetricsBefore = await (await sedena.request.get(`${baseUrl}/es/requests/metrics.csv`)).text();

    // 1. The ATF agent asks FGR, in English, starting from the seizure.
    const atf = await newPage('en-US');
    await signInThroughForm(atf, baseUrl, 'agent.atf@demo.test', password, 'en');
    await atf.goto(`${baseUrl}/en/requests/new?seizure=${seizureId}`);
    expect(await atf.locator('[data-testid=linked-seizure]').innerText()).toContain('This request will be linked to seizure');
    // Empty submit first: errors name the fields.
    await atf.fill('#field-subject', '');
    await atf.click('[data-testid=send-request]');
    expect(await atf.locator('[data-testid=form-error]').innerText()).toContain('Addressed agencies: this is required.');
    await atf.goto(`${baseUrl}/en/requests/new?seizure=${seizureId}`);
    await atf.click('label[for=addr-FGR]');
    await atf.selectOption('#field-type', 'firearm_trace');
    await atf.fill('#field-subject', 'Trace request: firearms of a seizure in Mexico');
    await atf.fill('#field-body', 'Please confirm the **serial numbers** and the importer of these firearms.');
    await atf.click('label[for=handling-H1]');
    await Promise.all([atf.waitForURL(/\/en\/requests\/\d+\?created=1$/), atf.click('[data-testid=send-request]')]);
    const requestUrl = atf.url().replace(/\?created=1$/, '');
    const requestPath = new URL(requestUrl).pathname;
    const id = requestPath.split('/').pop()!;
    const reference = (await atf.locator('[data-testid=reference]').innerText()).trim();
    expect(reference).toMatch(/^SOL-\d{4}-\d{6}$/);
    expect(await atf.locator('[data-testid=notice]').innerText()).toContain(`Request ${reference} sent.`);
    expect(await atf.locator('[data-testid=handling-code]').innerText()).toContain(
      'H1 — Not to be used in court without the provider’s permission',
    );
    expect(await atf.locator('[data-testid=firearms] tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await atf.locator('[data-testid=status]').innerText()).toBe('Sent');
    expect(await atf.locator('[data-testid=opened-FGR]').innerText()).toContain('FGR has not opened it yet.');

    // 2. The FGR analyst finds it through the notification centre, in Spanish.
    const fgr = await newPage();
    await signInThroughForm(fgr, baseUrl, 'analyst.fgr@demo.test', password);
    expect(Number(await fgr.locator('[data-testid=unread-count]').innerText())).toBeGreaterThanOrEqual(1);
    await fgr.click('[data-testid=notifications-link]');
    await Promise.all([
      fgr.waitForURL(`${baseUrl}/es/requests/${id}`),
      fgr.click(`[data-testid=notifications] a:has-text("${reference}")`),
    ]);
    expect(await fgr.locator('html').getAttribute('lang')).toBe('es');
    expect(await fgr.locator('[data-testid=status]').innerText()).toBe('Enviada');
    expect(await fgr.locator('[data-testid=handling-code]').innerText()).toContain('H1 — No usar ante un tribunal');
    await fgr.click('[data-testid=transition-acknowledge]');
    expect(await fgr.locator('[data-testid=notice]').innerText()).toContain('Se acusó recibo de la solicitud.');
    expect(await fgr.locator('[data-testid=status]').innerText()).toBe('Recepción confirmada');
    await fgr.fill('#answer-text', 'Se confirman los números de serie. El importador registrado es **Century Arms**.');
    await fgr.click('[data-testid=transition-answer]');
    expect(await fgr.locator('[data-testid=notice]').innerText()).toContain('Respuesta enviada.');
    expect(await fgr.locator('[data-testid=status]').innerText()).toBe('Respondida');
    // FGR may not close it: the button is not offered.
    expect(await fgr.locator('[data-testid=transition-close]').count()).toBe(0);
    await fgr.goto(`${baseUrl}/es/requests?box=inbox`);
    expect(await fgr.locator('[data-testid=requests]').innerText()).toContain(reference);

    // 3. The agent reads the answer and closes the request.
    await atf.goto(requestUrl);
    expect(await atf.locator('[data-testid=messages]').innerText()).toContain('El importador registrado es Century Arms.');
    expect(await atf.locator('[data-testid=opened-FGR]').innerText()).toMatch(/FGR first opened it on/);
    expect(await atf.locator('[data-testid=status]').innerText()).toBe('Answered');
    await atf.click('[data-testid=transition-close]');
    expect(await atf.locator('[data-testid=notice]').innerText()).toContain('Request closed.');
    expect(await atf.locator('[data-testid=status]').innerText()).toBe('Closed');
    const history = await atf.locator('[data-testid=history] tbody').innerText();
    for (const s of ['Sent', 'Acknowledged', 'Answered', 'Closed']) expect(history).toContain(s);
    expect(history).toContain('Lucía Ramírez Ochoa (FGR)');
    await atf.goto(`${baseUrl}/en/requests/${id}/print`);
    expect(await atf.locator('[data-testid=print] h1').innerText()).toBe(`Request ${reference}`);
    // The metrics page shows how long it took.
    await atf.goto(`${baseUrl}/en/requests/metrics`);
    // FGR's two rows: what ATF sent them (first), what they sent ATF.
    const fgrRow = atf.locator('[data-testid=metrics-counterparts] tbody tr', { has: atf.locator('abbr', { hasText: 'FGR' }) }).first();
    expect(await fgrRow.locator('td').first().innerText()).toBe('Sent');
    expect(await fgrRow.innerText()).toMatch(/\d+(\.\d)? (h|days)/);

    // 4. SEDENA finds it nowhere.
    for (const box of ['inbox', 'outbox', 'assigned', 'all']) {
      await sedena.goto(`${baseUrl}/es/requests?box=${box}`);
      expect(await sedena.locator('main').innerText(), box).not.toContain(reference);
    }
    const direct = await sedena.goto(`${baseUrl}/es/requests/${id}`);
    expect(direct?.status()).toBe(404);
    expect(await sedena.locator('h1').innerText()).toBe('Página no encontrada');
    expect((await sedena.goto(`${baseUrl}/en/requests/${id}/print`))?.status()).toBe(404);
    await sedena.goto(`${baseUrl}/es/notifications`);
    expect(await sedena.locator('main').innerText()).not.toContain(reference);
    expect(await (await sedena.request.get(`${baseUrl}/es/requests/export.csv?box=all`)).text()).not.toContain(reference);
    expect(await (await sedena.request.get(`${baseUrl}/es/requests/metrics.csv`)).text()).toBe(sedenaMetricsBefore);
    await sedena.goto(`${baseUrl}/es/requests/metrics`);

    for (const p of [atf, fgr, sedena]) await p.context().close();
  });
});

describe('request pages without JavaScript', () => {
  it('quotes a message into the reply without JavaScript', async () => {
    const context = await browser.newContext({ locale: 'es-MX', javaScriptEnabled: false });
    const page = await context.newPage();
    await signInThroughForm(page, baseUrl, 'analyst.fgr@demo.test', password);
    const [row] = await sql("SELECT r.id FROM requests r WHERE r.subject LIKE 'Apoyo: red de compra%'");
    await page.goto(`${baseUrl}/es/requests/${String(row?.id)}`);
    await page.click('[data-testid=messages] li:first-child a:has-text("Citar")');
    expect(await page.inputValue('#reply-text')).toMatch(/^> \*\*Marcus Ortega \(HSI\):\*\*/);
    await page.fill('#reply-text', `${await page.inputValue('#reply-text')}Enviamos las placas por correo oficial.`);
    await page.click('[data-testid=send-reply]');
    expect(await page.locator('[data-testid=notice]').innerText()).toContain('Mensaje enviado.');
    expect(await page.locator('[data-testid=messages]').innerText()).toContain('En respuesta al mensaje de Marcus Ortega (HSI)');
    await context.close();
  });
});
