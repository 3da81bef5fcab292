import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { launchBrowser, signInThroughForm } from '#tests/helpers/browser.ts';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/**
 * Waits for a condition of the page. The live search answers over the network: on a shared machine
 * (load 20+ on two cores) that can take longer than expect.poll's default second, so the wait is
 * long; a condition that never comes true still fails.
 */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 30_000 });

async function signedIn(email: string, lang: 'es' | 'en' = 'es'): Promise<Page> {
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await signInThroughForm(page, baseUrl, email, password, lang);
  return page;
}

const CSV = [
  'referencia;fecha;estado;agencia;expediente;resumen_es;visibilidad;tipo_arma;fabricante;modelo;calibre;numero_serie;serie_borrada;estatus_rastreo',
  'E2E-FGR-01;02/05/2026;Michoacán;FGR;FED/MIC/E2E/01/2026;Aseguramiento en Zitácuaro, Michoacán, tras un cateo;agency:FGR;fusil;Barrett;M82A1;.50 BMG;KJH77120;no;rastreada a venta en EUA',
  'E2E-FGR-01;02/05/2026;Michoacán;FGR;FED/MIC/E2E/01/2026;Aseguramiento en Zitácuaro, Michoacán, tras un cateo;agency:FGR;pistola;Colt;Government;.38 Super;;sí;no rastreable',
].join('\n');

describe('seizures in the browser', () => {
  it('an FGR admin imports a CSV; an FGR analyst finds it by serial prefix and unaccented place, narrows, opens it and exports', async () => {
    // FGR's records: the admin (of FGR) may write them; the SSPC editor only SSPC's.
    const editor = await signedIn('admin@demo.test');
    await editor.goto(`${baseUrl}/es/seizures/import`);
    await editor.setInputFiles('#import-file', { name: 'aseguramientos.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${CSV}`) });
    await editor.click('[data-testid=import-submit]');
    expect(await editor.locator('[data-testid=import-result]').innerText()).toContain('1 aseguramiento nuevo');
    await editor.context().close();

    const fgr = await signedIn('analyst.fgr@demo.test');
    await fgr.goto(`${baseUrl}/es/seizures`);
    await fgr.fill('#seizure-q', 'kjh771');
    await fgr.press('#seizure-q', 'Enter');
    await poll(() => fgr.locator('[data-testid=seizure-total]').innerText()).toBe('1 aseguramiento');
    expect(fgr.url()).toContain('q=kjh771');
    // Relevance is the default sort and is not pinned to "newest first" by the empty form.
    expect(fgr.url()).not.toContain('sort=');

    await fgr.fill('#seizure-q', 'zitacuaro');
    // The total was already 1: wait for the new answer (the address follows it) before reading the page.
    await poll(() => fgr.url()).toContain('q=zitacuaro');
    await poll(() => fgr.locator('[data-testid=seizure-total]').innerText()).toBe('1 aseguramiento');
    await poll(() => fgr.locator('[data-testid=seizure-hits] mark').first().innerText()).toMatch(/Zit[aá]cuaro/);

    // Refine with a facet without reloading: the page keeps its JS state, the address follows.
    await fgr.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await fgr.fill('#seizure-q', 'michoacan');
    await poll(() => fgr.url()).toContain('q=michoacan');
    const before = await fgr.locator('[data-testid=seizure-total]').innerText();
    await fgr.click('label[for=f-firearmType-pistol]');
    await poll(() => fgr.url()).toContain('type=pistol');
    await poll(() => fgr.locator('[data-testid=seizure-total]').innerText()).not.toBe(before);
    expect(await fgr.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await fgr.goBack();
    await poll(() => fgr.url()).not.toContain('type=pistol');
    await poll(() => fgr.locator('[data-testid=seizure-total]').innerText()).toBe(before);

    await fgr.goto(`${baseUrl}/es/seizures?q=KJH77120`);
    await Promise.all([fgr.waitForURL(/\/es\/seizures\/\d+(\?|$)/), fgr.click('[data-testid=seizure-hits] a')]);
    expect(await fgr.locator('[data-testid=firearms]').innerText()).toContain('KJH77120');
    expect(await fgr.locator('[data-testid=ask-counterpart]').getAttribute('href')).toMatch(/\/es\/requests\/new\?seizure=\d+/);

    await fgr.goto(`${baseUrl}/es/seizures?q=KJH77120`);
    const [download] = await Promise.all([fgr.waitForEvent('download'), fgr.click('[data-testid=export-link]')]);
    const exported = await readFile(await download.path(), 'utf8');
    expect(exported).toContain('KJH77120');
    expect(exported.split('\n')[0]).toContain('referencia');

    await fgr.click('[data-testid=dashboard-link]');
    expect(await fgr.locator('[data-testid=dashboard-totals]').innerText()).toBe('1 aseguramiento, 2 armas');
    await fgr.context().close();
  });

  it('ATF does not find the FGR-only seizure', async () => {
    const atf = await signedIn('agent.atf@demo.test', 'en');
    await atf.goto(`${baseUrl}/en/seizures?q=KJH77120`);
    expect(await atf.locator('[data-testid=seizure-total]').innerText()).toBe('0 seizures');
    await atf.context().close();
  });

  it('runs a filtered search in English and in Spanish and opens its dashboard', async () => {
    const page = await signedIn('admin@demo.test');
    for (const lang of ['es', 'en'] as const) {
      await page.goto(`${baseUrl}/${lang}/seizures?country=MX&type=rifle`);
      const total = await page.locator('[data-testid=seizure-total]').innerText();
      expect(total).toMatch(lang === 'es' ? /aseguramientos$/ : /seizures$/);
      expect(await page.locator('#f-firearmType-rifle').isChecked()).toBe(true);
      const dash = await page.goto(`${baseUrl}/${lang}/seizures/dashboard?country=MX&type=rifle`);
      expect(dash?.status(), await page.content()).toBe(200);
      expect(await page.locator('[data-testid=state-map] path').count()).toBe(32);
    }
    await page.context().close();
  });
});
