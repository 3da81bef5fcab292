import { chromium, type Browser, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { existsSync } from 'node:fs';
import { acceptableTotpCode, hasDemoSecondFactor } from './mfa.ts';

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

/** axe-core violations of WCAG 2.x A/AA rules on the current page, as readable lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
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
    await page.fill('#field-otp', await acceptableTotpCode(email));
    await Promise.all([page.waitForURL((url) => !/\/mfa\/?$/.test(url.pathname)), page.click('[data-testid=verify-submit]')]);
  }
}
