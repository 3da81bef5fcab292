import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signInThroughForm } from '#tests/helpers/browser.ts';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await (await browser.newContext({ locale: 'es-MX' })).newPage();
});
afterAll(async () => {
  await browser?.close();
});

describe('reading curated content', () => {
  it('reads a bulletin in Spanish, switches to its English translation, and meets the notice for an untranslated one', async () => {
    await page.goto(`${baseUrl}/es/bulletins`);
    await page.click('a[href="/es/bulletins/conferencia-phoenix-2009"]');
    await page.waitForURL(`${baseUrl}/es/bulletins/conferencia-phoenix-2009`);
    expect(await page.locator('html').getAttribute('lang')).toBe('es');
    expect(await page.locator('[data-testid=marking]').first().innerText()).toContain('NO CLASIFICADO');
    const spanishTitle = await page.locator('h1').innerText();
    await Promise.all([page.waitForURL(`${baseUrl}/en/bulletins/conferencia-phoenix-2009`), page.click('[data-testid=translation-link]')]);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    const englishTitle = await page.locator('h1').innerText();
    expect(englishTitle).not.toBe(spanishTitle);
    expect(englishTitle).toContain('Phoenix');

    await page.goto(`${baseUrl}/es/bulletins/taller-identificacion-armas-guatemala`);
    await Promise.all([
      page.waitForURL(`${baseUrl}/en/bulletins/taller-identificacion-armas-guatemala`),
      page.click('[data-testid=lang-switch]'),
    ]);
    expect(await page.locator('[data-testid=translation-missing]').innerText()).toContain('This document is not available in English.');
    await Promise.all([
      page.waitForURL(`${baseUrl}/es/bulletins/taller-identificacion-armas-guatemala`),
      page.click('[data-testid=translation-missing] a'),
    ]);
  });

  it('filters the glossary as you type, ignoring accents', async () => {
    await page.goto(`${baseUrl}/es/glossary`);
    const total = await page.locator('.portal-glossary__entry:visible').count();
    expect(total).toBeGreaterThanOrEqual(60);
    await page.fill('#glossary-q', 'cadena de custodia');
    await expect.poll(() => page.locator('.portal-glossary__entry:visible').count()).toBeLessThan(total);
    expect(await page.locator('#chain-of-custody').isVisible()).toBe(true);
    await page.fill('#glossary-q', 'numero de serie borrado');
    await expect.poll(() => page.locator('#obliterated-serial-number').isVisible()).toBe(true);
    expect(await page.locator('[data-glossary-status]').innerText()).toMatch(/de \d+ términos/);
    await page.fill('#glossary-q', 'zzzz');
    await expect.poll(() => page.locator('[data-glossary-status]').innerText()).toContain('Ningún término coincide');
  });

  it('shows a restricted bulletin to FGR only', async () => {
    const fgr = await (await browser.newContext()).newPage();
    await signInThroughForm(fgr, baseUrl, 'analyst.fgr@demo.test', password);
    await fgr.goto(`${baseUrl}/es/bulletins/restauracion-numeros-de-serie`);
    expect(await fgr.locator('[data-testid=marking]').first().innerText()).toContain('(LES)');
    const atf = await (await browser.newContext()).newPage();
    await signInThroughForm(atf, baseUrl, 'agent.atf@demo.test', password, 'en');
    const res = await atf.goto(`${baseUrl}/en/bulletins/restauracion-numeros-de-serie`);
    expect(res?.status()).toBe(404);
    await fgr.context().close();
    await atf.context().close();
  });
});
