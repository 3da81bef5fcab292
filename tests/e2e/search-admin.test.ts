/**
 * Administration -> Search engine in the browser, with Meilisearch configured but its index not
 * built yet (the state after setting MEILISEARCH_URL without search:reindex): the page says so in
 * both languages, shows the backlog, and passes axe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { axeViolations, launchBrowser, signInThroughForm } from '#tests/helpers/browser.ts';
import { startFakeMeilisearch, type FakeMeilisearch } from '#tests/helpers/fake-meilisearch.ts';
import { startServer, TEST_PASSWORD, type RunningServer } from '#tests/helpers/start-server.ts';

let browser: Browser;
let fake: FakeMeilisearch;
let server: RunningServer;

beforeAll(async () => {
  fake = await startFakeMeilisearch('e2e-master-key');
  server = await startServer({ MEILISEARCH_URL: fake.url, MEILISEARCH_KEY: 'e2e-master-key', DEMO_SEIZURES: '40' });
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await fake?.stop();
});

describe('search engine administration', () => {
  it('explains a missing index and the waiting changes, in both languages, without axe violations', async () => {
    const page = await (await browser.newContext({ locale: 'es-MX' })).newPage();
    await signInThroughForm(page, server.baseUrl, 'admin@demo.test', TEST_PASSWORD);
    await page.goto(`${server.baseUrl}/es/admin/search`);
    expect(await page.locator('h1').innerText()).toBe('Motor de búsqueda');
    const facts = await page.locator('[data-testid=search-status]').innerText();
    expect(facts).toContain(`Meilisearch en ${fake.url}`);
    // The demo's 40 seizures and its forum posts (both sources of the outbox), counted per kind.
    expect(facts).toMatch(/Cambios pendientes de enviar\s+\d+, el más antiguo del/);
    const kinds = await page.locator('table').innerText();
    expect(kinds).toMatch(/Aseguramientos\s+40/);
    expect(kinds).toMatch(/Publicaciones de los foros\s+[1-9]\d*/);
    expect(await page.locator('[data-testid=search-health]').innerText()).toContain(
      'las búsquedas se contestan con el índice integrado (FTS5)',
    );
    await expect.poll(async () => page.locator('[data-testid=search-problems]').innerText()).toContain('does not exist yet');
    expect(await axeViolations(page)).toEqual([]);

    await page.click('[data-testid=lang-switch]');
    await page.waitForURL(`${server.baseUrl}/en/admin/search`);
    expect(await page.locator('[data-testid=search-health]').innerText()).toContain('searches are answered by the embedded index (FTS5)');
    // Pushing now cannot succeed without an index: the page says why.
    await page.click('button:has-text("Push pending changes now")');
    expect(await page.locator('[data-testid=notice]').innerText()).toMatch(
      /Could not push: The Meilisearch index "(seizures|thread_posts)" does not exist yet/,
    );
    expect(await axeViolations(page)).toEqual([]);
  });
});
