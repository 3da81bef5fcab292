// Multi-factor sign-in in Chromium: the demo admin with a TOTP code computed here, a passkey
// registered and used through Chromium's virtual authenticator (CDP WebAuthn domain), and axe on
// every new page in both languages.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchBrowser, signInThroughForm } from '#tests/helpers/browser.ts';
import { acceptableTotpCode } from '#tests/helpers/mfa.ts';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
// WebAuthn wants a domain, not an IP address: the same server, reached as localhost.
const localUrl = baseUrl.replace('127.0.0.1', 'localhost');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function axeBoth(page: Page, path: string, problems: string[]): Promise<void> {
  for (const lang of ['es', 'en']) {
    await page.goto(`${new URL(page.url()).origin}/${lang}${path}`);
    for (const v of await axeViolations(page)) problems.push(`${lang}${path}: ${v}`);
  }
}

describe('multi-factor sign-in in the browser', { timeout: 180_000 }, () => {
  it('signs the admin in with a TOTP code computed in the test; the code page passes axe in both languages', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${baseUrl}/en/sign-in?next=${encodeURIComponent('/en/admin/audit')}`);
    await page.fill('#field-email', 'admin@demo.test');
    await page.fill('#field-password', password);
    await Promise.all([page.waitForURL((url) => url.pathname === '/en/mfa'), page.click('form.usa-form button[type=submit]')]);
    expect(await page.locator('h1').innerText()).toBe('Two-step verification');
    const problems: string[] = [];
    for (const v of await axeViolations(page)) problems.push(`en/mfa: ${v}`);
    await page.goto(`${baseUrl}/es/mfa?next=${encodeURIComponent('/en/admin/audit')}`);
    expect(await page.locator('h1').innerText()).toBe('Verificación en dos pasos');
    for (const v of await axeViolations(page)) problems.push(`es/mfa: ${v}`);
    // A wrong code first: a translated message beside the field.
    await page.fill('#field-otp', '000000');
    await page.click('[data-testid=verify-submit]');
    expect(await page.locator('#field-otp-error').innerText()).toContain('no es correcto o ya se usó');
    await page.fill('#field-otp', await acceptableTotpCode('admin@demo.test'));
    await Promise.all([page.waitForURL(`${baseUrl}/en/admin/audit`), page.click('[data-testid=verify-submit]')]);
    expect(await page.locator('h1').innerText()).toBe('Audit log');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('a member registers a passkey on the virtual authenticator, signs in with it alone, and removes it', async () => {
    const context: BrowserContext = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    await signInThroughForm(page, localUrl, 'moderator.cbp@demo.test', password, 'en');
    await page.goto(`${localUrl}/en/account`);
    await page.fill('#passkey-name-register', 'Test laptop');
    await Promise.all([page.waitForURL(/done=passkey/), page.click('[data-testid=passkey-register]')]);
    expect(await page.locator('[data-testid=notice]').innerText()).toContain('Passkey added.');
    expect(await page.locator('[data-testid=passkeys] tbody tr').count()).toBe(1);
    expect(await page.locator('[data-testid=passkeys]').innerText()).toContain('Test laptop');
    const problems: string[] = [];
    await axeBoth(page, '/account', problems);
    await axeBoth(page, '/mfa/setup', problems);

    // Signed out, the passkey alone signs in (no password).
    await context.clearCookies();
    await page.goto(`${localUrl}/en/sign-in`);
    await Promise.all([page.waitForURL(`${localUrl}/en/`), page.click('[data-testid=passkey-sign-in]')]);
    expect(await page.locator('.portal-user__name').innerText()).toBe('Kevin Alvarado (CBP)');

    // With the password, the passkey is the second factor.
    await context.clearCookies();
    await page.goto(`${localUrl}/en/sign-in`);
    await page.fill('#field-email', 'moderator.cbp@demo.test');
    await page.fill('#field-password', password);
    await Promise.all([page.waitForURL((url) => url.pathname === '/en/mfa'), page.click('form.usa-form button[type=submit]')]);
    for (const v of await axeViolations(page)) problems.push(`en/mfa with a passkey: ${v}`);
    await Promise.all([page.waitForURL(`${localUrl}/en/`), page.click('[data-testid=passkey-verify]')]);

    // Removed from the account page, it no longer signs in.
    await page.goto(`${localUrl}/en/account`);
    await page.locator('[data-testid=passkeys] button', { hasText: 'Remove' }).click();
    expect(await page.locator('[data-testid=notice]').innerText()).toContain('Passkey removed.');
    expect(await page.locator('[data-testid=second-factors]').innerText()).toContain('No passkeys registered.');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows the authenticator-app set-up with its QR code, passing axe in both languages', async () => {
    const page = await (await browser.newContext()).newPage();
    await signInThroughForm(page, baseUrl, 'fiscal.gt@demo.test', password);
    const problems: string[] = [];
    await page.goto(`${baseUrl}/es/mfa/setup`);
    await page.fill('#field-currentPassword', password);
    await page.click('[data-testid=totp-begin]');
    await expect.poll(() => page.locator('[data-testid=totp-qr] svg').count()).toBe(1);
    expect(await page.locator('[data-testid=totp-secret]').innerText()).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    await axeBoth(page, '/mfa/setup', problems);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
