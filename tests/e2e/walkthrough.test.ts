// Issue 13's walk-through in the browser, at phone (390 px) and desktop (1280 px) width, in both
// languages: filters fold behind a button on phones, the language link keeps a live search, the
// user menu shows its focus and closes like a menu, a failed form puts the focus on its errors,
// and the brand font is the one that is loaded.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, signInThroughForm, WIDTHS } from '#tests/helpers/browser.ts';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
let browser: Browser;
let member: BrowserContext;

beforeAll(async () => {
  browser = await launchBrowser();
  member = await browser.newContext();
  const page = await member.newPage();
  await signInThroughForm(page, baseUrl, 'analyst.fgr@demo.test', password);
  await page.close();
});
afterAll(async () => {
  await browser?.close();
});

async function open(context: BrowserContext, width: number, path: string): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  await page.goto(`${baseUrl}${path}`);
  return page;
}
const top = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((el) => el.getBoundingClientRect().top);

describe('seizure search: results first on phones, filters behind a button', () => {
  for (const lang of ['es', 'en'] as const) {
    for (const width of WIDTHS) {
      it(`${lang} at ${width}px`, async () => {
        const page = await open(member, width, `/${lang}/seizures?country=MX&type=rifle`);
        const toggle = page.locator('[data-testid=seizure-filters] > summary');
        const firstFacet = page.locator('[data-facet=calibre]');
        if (width < 1024) {
          expect((await toggle.innerText()).trim()).toBe(lang === 'es' ? 'Filtros (2)' : 'Filters (2)');
          expect(await firstFacet.isVisible()).toBe(false);
          // The search box and the results come before ~60 checkboxes.
          expect(await top(page, '#seizure-q')).toBeLessThan(await top(page, '[data-testid=seizure-hits]'));
          expect(await top(page, '[data-testid=seizure-hits]')).toBeLessThan(900 * 2);
          await toggle.click();
          await expect.poll(() => firstFacet.isVisible()).toBe(true);
          expect(await page.locator('#f-firearmType-rifle').isChecked()).toBe(true);
        } else {
          expect(await toggle.isVisible()).toBe(false);
          expect(await firstFacet.isVisible()).toBe(true);
          const facets = await page.locator('[data-facets]').boundingBox();
          const results = await page.locator('[data-results]').boundingBox();
          expect(facets!.x + facets!.width).toBeLessThanOrEqual(results!.x);
        }
        await page.close();
      });
    }
  }

  it('works without JavaScript: the button opens the filters and the form submits', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signInThroughForm(page, baseUrl, 'analyst.fgr@demo.test', password);
    await page.setViewportSize({ width: 390, height: 900 });
    await page.goto(`${baseUrl}/es/seizures`);
    await page.click('[data-testid=seizure-filters] > summary');
    await page.click('label[for=f-firearmType-pistol]');
    await Promise.all([page.waitForURL(/type=pistol/), page.click('.portal-facets__apply')]);
    expect((await page.locator('[data-testid=seizure-filters] > summary').innerText()).trim()).toBe('Filtros (1)');
    await context.close();
  });
});

describe('the language link keeps what the reader did', () => {
  it('after a live refinement of the seizure search', async () => {
    const page = await open(member, 1280, '/es/seizures?q=fusil');
    await page.click('label[for=f-firearmType-pistol]');
    // The refinement fetches the refined page: on a busy machine that takes longer than the 1 s default.
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain('type=pistol');
    await expect
      .poll(() => page.locator('[data-testid=lang-switch]').getAttribute('href'), { timeout: 10_000 })
      .toBe('/en/seizures?q=fusil&type=pistol');
    const spanishTotal = await page.locator('[data-testid=seizure-total]').innerText();
    await Promise.all([page.waitForURL(/\/en\/seizures\?/), page.click('[data-testid=lang-switch]')]);
    expect(new URL(page.url()).search).toBe('?q=fusil&type=pistol');
    expect(await page.locator('#f-firearmType-pistol').isChecked()).toBe(true);
    expect((await page.locator('[data-testid=seizure-total]').innerText()).replace(/\D/g, '')).toBe(spanishTotal.replace(/\D/g, ''));
    await page.close();
  });

  it('after filtering the glossary as you type', async () => {
    const page = await open(member, 390, '/es/glossary');
    await page.fill('#glossary-q', 'cadena');
    await expect.poll(() => page.locator('[data-testid=lang-switch]').getAttribute('href')).toBe('/en/glossary?q=cadena');
    await page.close();
  });
});

describe('the user menu', () => {
  for (const lang of ['es', 'en'] as const) {
    for (const width of WIDTHS) {
      it(`${lang} at ${width}px: a light focus ring on dark blue; Escape and a click outside close it`, async () => {
        const page = await open(member, width, `/${lang}/`);
        const summary = page.locator('[data-testid=user-menu] > summary');
        await page.keyboard.press('Tab'); // skip link
        while (!(await summary.evaluate((el) => el === document.activeElement))) await page.keyboard.press('Tab');
        const ring = await summary.evaluate((el) => {
          const s = getComputedStyle(el);
          return { color: s.outlineColor, width: parseFloat(s.outlineWidth), style: s.outlineStyle };
        });
        expect(ring).toEqual({ color: 'rgb(255, 190, 46)', width: 4, style: 'solid' });
        await page.keyboard.press('Enter');
        const menu = page.locator('[data-testid=user-menu]');
        await expect.poll(() => menu.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(true);
        await page.keyboard.press('Tab');
        await page.keyboard.press('Escape');
        await expect.poll(() => menu.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(false);
        expect(await summary.evaluate((el) => el === document.activeElement)).toBe(true);
        await summary.click();
        await expect.poll(() => menu.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(true);
        // A click on the page outside the menu (bottom left: the open panel hangs from the top right).
        await page.mouse.click(5, 880);
        await expect.poll(() => menu.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(false);
        await page.close();
      });
    }
  }
});

describe('a failed form submission puts the focus on its error summary', () => {
  for (const lang of ['es', 'en'] as const) {
    for (const width of WIDTHS) {
      it(`${lang} at ${width}px: sign-in and a new request`, async () => {
        const visitor = await browser.newContext();
        const page = await open(visitor, width, `/${lang}/sign-in`);
        await Promise.all([page.waitForLoadState('load'), page.click('form.usa-form button[type=submit]')]);
        await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('form-error');
        await visitor.close();

        const form = await open(member, width, `/${lang}/requests/new`);
        await Promise.all([form.waitForLoadState('load'), form.click('[data-testid=new-request] button[type=submit]')]);
        await expect.poll(() => form.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('form-error');
        const summary = await form.locator('[data-testid=form-error]').boundingBox();
        // In view (scrolled to its top: a fraction of a pixel either way is rounding).
        expect(summary!.y).toBeGreaterThan(-1);
        expect(summary!.y).toBeLessThan(900);
        await form.close();
      });
    }
  }
});

describe("the header's tools at phone width", () => {
  for (const lang of ['es', 'en'] as const) {
    it(`${lang} at 390px: language, notifications and the user menu on one row, nothing past the edge`, async () => {
      const page = await open(member, 390, `/${lang}/`);
      const boxes = await page
        .locator('[data-testid=lang-switch], [data-testid=notifications-link], [data-testid=user-menu] > summary')
        .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
      expect(boxes).toHaveLength(3);
      const rowTop = Math.max(...boxes.map((b) => b.top));
      const rowBottom = Math.min(...boxes.map((b) => b.bottom));
      // One row: every tool spans the same line (each one's box overlaps all the others vertically).
      expect(rowBottom).toBeGreaterThan(rowTop);
      for (const b of boxes) {
        expect(b.right).toBeLessThanOrEqual(390);
        expect(b.height).toBeGreaterThanOrEqual(44);
      }
      // The bell keeps its words for screen readers; the menu's panel names the reader in full.
      expect(await page.getByTestId('notifications-link').evaluate((el) => el.textContent?.replace(/\s+/g, ' ').trim())).toMatch(
        lang === 'es' ? /^Notificaciones \d+ sin leer$/ : /^Notifications \d+ unread$/,
      );
      await page.locator('[data-testid=user-menu] > summary').click();
      await expect.poll(() => page.locator('.portal-user__panel').innerText()).toContain('Lucía Ramírez Ochoa (FGR)');
      const panel = await page.locator('.portal-user__panel').boundingBox();
      expect(panel!.x).toBeGreaterThanOrEqual(0);
      expect(panel!.x + panel!.width).toBeLessThanOrEqual(390);
      await page.close();
    });
  }
});

describe('the brand font', () => {
  it('asks for the face that is loaded ("Merriweather Web"), not one that falls back to Georgia', async () => {
    const page = await open(member, 1280, '/es/');
    const family = await page.locator('.portal-header__name').evaluate((el) => getComputedStyle(el).fontFamily);
    expect(family.split(',')[0]?.replace(/["']/g, '').trim()).toBe('Merriweather Web');
    await page.evaluate(() => document.fonts.ready);
    expect(await page.evaluate(() => document.fonts.check('700 26px "Merriweather Web"'))).toBe(true);
    expect(
      await page.evaluate(() =>
        [...document.fonts].some((f) => f.family.replace(/"/g, '') === 'Merriweather Web' && f.status === 'loaded'),
      ),
    ).toBe(true);
    await page.close();
  });
});
