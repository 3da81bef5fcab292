import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
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

async function newPage(locale = 'es-MX'): Promise<Page> {
  const context = await browser.newContext({ locale });
  return context.newPage();
}

describe('sign in, switch language, sign out', () => {
  it('analyst.fgr signs in in Spanish, switches to English on the same page, and signs out', async () => {
    const page = await newPage();
    await page.goto(`${baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/es/');
    await page.goto(`${baseUrl}/es/account`);
    expect(new URL(page.url()).pathname).toBe('/es/sign-in');
    await page.fill('#field-email', 'analyst.fgr@demo.test');
    await page.fill('#field-password', password);
    await Promise.all([page.waitForURL(`${baseUrl}/es/account`), page.click('form.usa-form button[type=submit]')]);
    expect(await page.locator('html').getAttribute('lang')).toBe('es');
    expect(await page.title()).toBe('Mi cuenta · Armas Cruzadas');
    await expect.poll(() => page.locator('[data-testid=profile]').innerText()).toContain('Fiscalía General de la República (FGR)');

    await Promise.all([page.waitForURL(`${baseUrl}/en/account`), page.click('[data-testid=lang-switch]')]);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.title()).toBe('My account · Armas Cruzadas');
    expect(await page.locator('[data-testid=profile]').innerText()).toContain('Office of the Attorney General of Mexico (FGR)');

    await page.click('.portal-user summary');
    await Promise.all([page.waitForURL(/\/en\/sign-in\?reason=signed_out/), page.click('[data-testid=sign-out]')]);
    expect(await page.locator('[data-testid=notice]').innerText()).toContain('You have signed out.');
    await page.goto(`${baseUrl}/en/account`);
    expect(new URL(page.url()).pathname).toBe('/en/sign-in');
    await page.context().close();
  });

  it('goes to English from the root when the browser prefers English', async () => {
    const page = await newPage('en-US');
    await page.goto(`${baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/en/');
    await page.context().close();
  });
});

describe('lockout', () => {
  it('six wrong passwords show the lockout; the admin sees it in the audit log and releases it', async () => {
    const page = await newPage();
    for (let i = 0; i < 6; i++) {
      await page.goto(`${baseUrl}/es/sign-in`);
      await page.fill('#field-email', 'analyst.sedena@demo.test');
      await page.fill('#field-password', `contraseña equivocada ${i}`);
      await Promise.all([page.waitForLoadState('load'), page.click('form.usa-form button[type=submit]')]);
    }
    const message = await page.locator('[data-testid=form-error]').innerText();
    expect(message).toMatch(/la cuenta está bloqueada hasta .* \(10 min\)/);

    const admin = await newPage();
    await signInThroughForm(admin, baseUrl, 'admin@demo.test', password);
    await admin.goto(`${baseUrl}/es/admin/audit?action=auth.lockout`);
    expect(await admin.locator('[data-testid=audit]').innerText()).toContain('analyst.sedena@demo.test');
    await admin.goto(`${baseUrl}/es/admin/users?q=sedena`);
    await admin.click('[data-testid=users] a');
    expect(await admin.locator('[data-testid=user-status]').innerText()).toContain('Bloqueado hasta');
    await admin.click('[data-testid=release-lock]');
    expect(await admin.locator('[data-testid=notice]').innerText()).toContain('Bloqueo liberado.');

    await signInThroughForm(page, baseUrl, 'analyst.sedena@demo.test', password);
    expect(new URL(page.url()).pathname).toBe('/es/');
    await page.context().close();
    await admin.context().close();
  });
});

describe('invitation', () => {
  it('an admin invites, the invitee completes sign-up in English and lands signed in', async () => {
    const admin = await newPage();
    await signInThroughForm(admin, baseUrl, 'admin@demo.test', password);
    await admin.goto(`${baseUrl}/en/admin/invitations`);
    await admin.fill('#field-email', 'investigator.pnc@demo.test');
    await admin.selectOption('#agencyId', { label: 'PNC-SV — National Civil Police of El Salvador' });
    await admin.selectOption('#role', 'member');
    await admin.click('form.usa-form button[type=submit]');
    const link = (await admin.locator('[data-testid=invite-link]').innerText()).trim();
    expect(link).toContain('/en/invitation/');

    const invitee = await newPage('en-US');
    await invitee.goto(link);
    expect(await invitee.locator('h1').innerText()).toBe('Accept invitation');
    await invitee.fill('#field-displayName', 'Rosa Martínez');
    await invitee.fill('#field-password', 'sunrise over the lake');
    await invitee.fill('#field-passwordConfirm', 'sunrise over the lake');
    await invitee.check('#lang-en');
    await Promise.all([invitee.waitForURL(`${baseUrl}/en/`), invitee.click('form.usa-form button[type=submit]')]);
    expect(await invitee.locator('h1').innerText()).toBe('Welcome, Rosa Martínez');
    expect(await invitee.locator('[data-testid=home-account]').innerText()).toContain('National Civil Police of El Salvador (PNC)');
    await invitee.context().close();
    await admin.context().close();
  });
});
