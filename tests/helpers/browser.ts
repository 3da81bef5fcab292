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
 * Layout faults a reader meets, at any width: the page scrolls sideways; a table does not fit its
 * column and hides columns behind a scrollbar (every table, stacking into cards or not: a phone
 * reader should never have to scroll a table sideways); a form control (search box, select, text
 * field) or button sticks out of the box it stands in, over the column's edge. Opens the <details>
 * that hold tables (run it after axe: the page is left with them open).
 */
export async function layoutProblems(page: Page, width: number): Promise<string[]> {
  return page.evaluate((viewport) => {
    const problems: string[] = [];
    // A table folded in a <details> (a chart's data, the dashboard's states) must fit once opened too.
    for (const details of document.querySelectorAll('main details:not([open])'))
      if (details.querySelector('table')) details.setAttribute('open', '');
    const overflow = document.documentElement.scrollWidth - viewport;
    if (overflow > 1) problems.push(`page scrolls sideways by ${overflow}px`);
    // Drawn at all: not display:none, not invisible, not inside a closed <details> (content-visibility: hidden).
    const shown = (el: Element) => el.checkVisibility({ visibilityProperty: true });
    const describe = (el: Element) =>
      el.getAttribute('aria-label') || el.getAttribute('data-testid') || el.id || el.getAttribute('name') || el.tagName.toLowerCase();
    for (const table of document.querySelectorAll('table')) {
      if (!shown(table)) continue;
      const wrap = table.closest<HTMLElement>('.portal-table-wrap');
      if (wrap) {
        if (wrap.scrollWidth - wrap.clientWidth > 1)
          problems.push(`table "${describe(wrap)}" is ${wrap.scrollWidth}px wide in ${wrap.clientWidth}px at ${viewport}px`);
      } else if (table.parentElement) {
        const wide = Math.round(table.getBoundingClientRect().width);
        if (wide - table.parentElement.clientWidth > 1)
          problems.push(`table "${describe(table)}" is ${wide}px wide in ${table.parentElement.clientWidth}px at ${viewport}px`);
      }
    }
    // Controls and their box: the right edge of a field past the content edge of its parent (a
    // search box wider than its column stays inside the page when the column has room to spare).
    const controls = 'input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea, button, .usa-search';
    for (const control of document.querySelectorAll<HTMLElement>(controls)) {
      if (!shown(control) || control.closest('.usa-sr-only, .portal-table-wrap, .usa-checkbox, .usa-radio')) continue;
      let parent = control.parentElement;
      // The box is the nearest block around the control (an inline form or a `display: contents` wrapper has no width of its own).
      while (parent && /^(inline|contents)$/.test(getComputedStyle(parent).display)) parent = parent.parentElement;
      if (!parent || !shown(parent)) continue;
      const style = getComputedStyle(parent);
      const contentRight = parent.getBoundingClientRect().left + parent.clientLeft + parent.clientWidth - parseFloat(style.paddingRight);
      const past = Math.round(control.getBoundingClientRect().right - contentRight);
      if (past > 1)
        problems.push(`${control.tagName.toLowerCase()} "${describe(control)}" sticks out of its box by ${past}px at ${viewport}px`);
    }
    // A text field drawn without its right edge (USWDS's search-box half, meant to meet its
    // button) reads as running past its column.
    for (const field of document.querySelectorAll<HTMLElement>('.usa-input, .usa-select, .usa-textarea')) {
      if (!shown(field) || field.closest('.usa-search')) continue;
      const style = getComputedStyle(field);
      if (parseFloat(style.borderLeftWidth) > 0 && parseFloat(style.borderRightWidth) === 0)
        problems.push(`field "${describe(field)}" has no right edge at ${viewport}px`);
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
