import { chromium, type Browser, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { existsSync } from 'node:fs';
import { acceptableTotpCode, hasDemoSecondFactor } from './mfa.ts';
import { databaseUrlOf } from './start-server.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: run "apt-get update && apt-get install -y chromium" or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Phone and desktop widths every page is checked at. */
export const WIDTHS = [390, 1280] as const;

/**
 * Limit for a test that loads one page and runs axe at both widths. Alone such a test takes 2–5 s;
 * on a two-core machine shared with seven other test runs axe alone was seen taking 20 s a page,
 * so the limit is generous and each test checks one page (never a loop over all of them).
 */
export const AXE_TEST_TIMEOUT = 180_000;

/** axe-core violations of WCAG 2.x A/AA rules and axe's best practices on the current page, as readable lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/**
 * Layout faults a reader meets: the page scrolls sideways at this width, or a table does not fit
 * its column and hides columns behind a scrollbar: any table at desktop width, and at every width
 * a table meant to stack into cards on phones (usa-table--stacked).
 */
export async function layoutProblems(page: Page, width: number): Promise<string[]> {
  return page.evaluate((viewport) => {
    const problems: string[] = [];
    const overflow = document.documentElement.scrollWidth - viewport;
    if (overflow > 1) problems.push(`page scrolls sideways by ${overflow}px`);
    for (const wrap of document.querySelectorAll<HTMLElement>('.portal-table-wrap')) {
      if (viewport < 1024 && !wrap.querySelector('.usa-table--stacked')) continue;
      if (wrap.offsetParent === null) continue; // inside a closed <details>
      if (wrap.scrollWidth - wrap.clientWidth > 1)
        problems.push(`table "${wrap.getAttribute('aria-label')}" is ${wrap.scrollWidth}px wide in ${wrap.clientWidth}px at ${viewport}px`);
    }
    return problems;
  }, width);
}

export async function signInThroughForm(
  page: Page,
  baseUrl: string,
  email: string,
  password: string,
  lang: 'es' | 'en' = 'es',
): Promise<void> {
  await page.goto(`${baseUrl}/${lang}/sign-in`);
  await page.fill('#field-email', email);
  await page.fill('#field-password', password);
  await Promise.all([page.waitForURL((url) => !url.pathname.endsWith('/sign-in')), page.click('form.usa-form button[type=submit]')]);
  // Demo admin and editor: the second step, with the code an authenticator app would show.
  if (/^\/(es|en)\/mfa\/?$/.test(new URL(page.url()).pathname) && hasDemoSecondFactor(email)) {
    await page.fill('#field-otp', await acceptableTotpCode(email, databaseUrlOf(baseUrl)));
    await Promise.all([page.waitForURL((url) => !/\/mfa\/?$/.test(url.pathname)), page.click('[data-testid=verify-submit]')]);
  }
}
