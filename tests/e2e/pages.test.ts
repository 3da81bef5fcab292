// Every page type, in both languages, at phone width (390 px) and desktop width (1280 px): axe
// (WCAG 2.2 A/AA and best practices) finds nothing, the page never scrolls sideways, and at
// 1280 px every table fits its column without a scrollbar. One test per page and language, so a
// slow, busy machine makes each test slower but never pushes a whole loop past its limit.
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { forumPath } from '#src/i18n/forum-paths.ts';
import { AXE_TEST_TIMEOUT, axeViolations, launchBrowser, layoutProblems, signInThroughForm, WIDTHS } from '#tests/helpers/browser.ts';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
type Role = 'visitor' | 'member' | 'editor' | 'admin';
const accounts: Record<Exclude<Role, 'visitor'>, string> = {
  member: 'analyst.fgr@demo.test',
  editor: 'editor.sspc@demo.test',
  admin: 'admin@demo.test',
};
let browser: Browser;
const contexts = new Map<Role, BrowserContext>();
const ids = { seizure: 0, request: 0, otherRequest: 0, user: 0, document: 0, thread: 0 };
let categorySlug = '';

async function sql(query: string) {
  const db = createClient({ url: inject('databaseUrl') });
  try {
    return (await db.execute(query)).rows;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  browser = await launchBrowser();
  contexts.set('visitor', await browser.newContext());
  for (const [role, email] of Object.entries(accounts) as [Role, string][]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInThroughForm(page, baseUrl, email, password);
    await page.close();
    contexts.set(role, context);
  }
  const [seizure] = await sql(
    "SELECT s.id FROM seizures s JOIN scope_sets ss ON ss.id = s.scope_set_id WHERE ss.tokens = 'members' ORDER BY (SELECT count(*) FROM firearms f WHERE f.seizure_id = s.id) DESC LIMIT 1",
  );
  const [request] = await sql(
    'SELECT request_id AS id FROM request_messages GROUP BY request_id HAVING count(*) > 1 ORDER BY request_id LIMIT 1',
  );
  const [other] = await sql("SELECT id FROM requests WHERE status = 'reopened' LIMIT 1");
  const [user] = await sql("SELECT id FROM users WHERE email = 'analyst.fgr@demo.test'");
  // A library document of the member's own (its page and its new-version form).
  const [document] = await sql(
    "SELECT d.id FROM documents d JOIN users u ON u.id = d.owner_id WHERE u.email = 'analyst.fgr@demo.test' AND d.deleted_at IS NULL AND d.origin = 'library' ORDER BY d.id LIMIT 1",
  );
  // The members' thread with the most posts, and its category.
  const [thread] = await sql(
    "SELECT t.id, c.slug FROM threads t JOIN scope_sets ss ON ss.id = t.scope_set_id JOIN thread_categories c ON c.id = t.category_id WHERE ss.tokens = 'members' AND t.hidden_at IS NULL ORDER BY t.post_count DESC, t.id LIMIT 1",
  );
  Object.assign(ids, {
    seizure: Number(seizure?.id),
    request: Number(request?.id),
    otherRequest: Number(other?.id),
    user: Number(user?.id),
    document: Number(document?.id),
    thread: Number(thread?.id),
  });
  categorySlug = String(thread?.slug ?? '');
  expect(ids.document, 'a library document of analyst.fgr in the demo data').toBeGreaterThan(0);
  expect(ids.thread, 'a members thread in the demo data').toBeGreaterThan(0);
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

type Lang = 'es' | 'en';

interface PageCase {
  role: Role;
  /** Path after the language prefix, or a function of the language (the forum's addresses are translated) and the ids found in the database. */
  path: string | ((lang: Lang) => string);
  /** Brings the page into a state a link cannot reach (a failed form post), and checks what it says. */
  then?: (page: Page, lang: Lang) => Promise<unknown>;
  label?: string;
}

const submitEmpty = (selector: string) => (page: Page) =>
  Promise.all([page.waitForLoadState('load'), page.click(`${selector} button[type=submit]`)]);

/**
 * The upload form's error state: the upload script sends the form by XHR, the server answers JSON
 * and the script draws the error summary without a page load. A zero-byte file is refused by the
 * server (the size check in the browser only catches files that are too large).
 */
async function uploadEmptyFile(page: Page, lang: Lang) {
  await page.evaluate(() => Object.assign(window, { portalSamePage: true }));
  await page.setInputFiles('[data-testid=upload-form] input[type=file]', {
    name: 'vacio.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.alloc(0),
  });
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/${lang}/documents/new`);
  await page.click('[data-testid=upload-submit]');
  const res = await answered;
  expect(res.status()).toBe(400);
  expect(res.headers()['content-type']).toContain('application/json');
  const summary = page.locator('#upload-error-summary');
  await summary.waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'upload-error-summary');
  expect(await page.evaluate(() => 'portalSamePage' in window), 'no page load').toBe(true);
  expect(await summary.locator('h2').textContent()).toBe(lang === 'es' ? 'Revise los siguientes campos:' : 'Please check these fields:');
  expect(await summary.locator('li').allTextContents()).toEqual([
    lang === 'es' ? '«vacio.pdf» está vacío (0 bytes).' : '“vacio.pdf” is empty (0 bytes).',
  ]);
  expect(await page.locator('[data-testid=upload-submit]').isEnabled()).toBe(true);
}

const CASES: PageCase[] = [
  { role: 'visitor', path: '/' },
  { role: 'visitor', path: '/sign-in' },
  { role: 'visitor', path: '/sign-in', then: submitEmpty('form.usa-form'), label: '/sign-in (error)' },
  { role: 'visitor', path: '/no-such-page' },
  { role: 'visitor', path: '/invitation/not-a-real-token' },
  { role: 'visitor', path: '/bulletins' },
  { role: 'visitor', path: '/bulletins?tag=conference' },
  { role: 'visitor', path: '/bulletins/declaracion-de-principios-fiscales' },
  { role: 'visitor', path: '/bulletins/ficha-datos-minimos-aseguramiento' },
  { role: 'visitor', path: '/bulletins/taller-identificacion-armas-guatemala' },
  { role: 'visitor', path: '/protocols' },
  { role: 'visitor', path: '/protocols/rastreo-armas-v1' },
  { role: 'visitor', path: '/protocols/rastreo-armas-v2' },
  { role: 'visitor', path: '/training' },
  { role: 'visitor', path: '/training/rastreo-de-armas' },
  { role: 'visitor', path: '/training/rastreo-de-armas/solicitud-etrace' },
  { role: 'visitor', path: '/glossary' },
  { role: 'member', path: '/' },
  { role: 'member', path: '/account' },
  { role: 'member', path: '/account', then: submitEmpty('form[action*=changePassword]'), label: '/account (error)' },
  { role: 'member', path: '/seizures' },
  { role: 'member', path: '/seizures?country=MX&type=rifle&calibre=.38+Super' },
  { role: 'member', path: () => `/seizures/${ids.seizure}`, label: '/seizures/<id>' },
  { role: 'member', path: '/seizures/dashboard' },
  { role: 'member', path: '/seizures/dashboard?country=MX&type=rifle' },
  { role: 'member', path: '/requests' },
  { role: 'member', path: '/requests?box=outbox' },
  { role: 'member', path: '/requests?box=all&overdue=1' },
  { role: 'member', path: '/requests/new' },
  { role: 'member', path: '/requests/new', then: submitEmpty('[data-testid=new-request]'), label: '/requests/new (error)' },
  { role: 'member', path: '/requests/metrics' },
  { role: 'member', path: '/notifications' },
  { role: 'member', path: () => `/requests/${ids.request}`, label: '/requests/<id>' },
  { role: 'member', path: () => `/requests/${ids.request}/print`, label: '/requests/<id>/print' },
  { role: 'editor', path: '/seizures/import' },
  { role: 'admin', path: '/admin/users' },
  { role: 'admin', path: () => `/admin/users/${ids.user}`, label: '/admin/users/<id>' },
  { role: 'admin', path: '/admin/invitations' },
  { role: 'admin', path: '/admin/agencies' },
  { role: 'admin', path: '/admin/audit' },
  { role: 'admin', path: () => `/requests/${ids.otherRequest}`, label: '/requests/<id> (admin)' },
  { role: 'admin', path: '/requests/metrics?agency=' },
  // Rooms that arrived after the first walk-through: second factor, search admin, documents, forum.
  { role: 'admin', path: '/mfa' },
  { role: 'admin', path: '/mfa/setup' },
  { role: 'member', path: '/mfa/setup', label: '/mfa/setup (no factor yet)' },
  { role: 'admin', path: '/admin/search' },
  { role: 'member', path: '/documents?tab=shared' },
  { role: 'member', path: '/documents?tab=agency' },
  { role: 'member', path: '/documents?tab=mine' },
  { role: 'member', path: '/documents?tab=mine&from=2024-01-01&to=x', label: '/documents (date error)' },
  { role: 'member', path: '/documents/deleted' },
  { role: 'member', path: () => `/documents/${ids.document}`, label: '/documents/<id>' },
  { role: 'member', path: () => `/documents/${ids.document}/edit`, label: '/documents/<id>/edit' },
  { role: 'member', path: () => `/documents/${ids.document}/version`, label: '/documents/<id>/version' },
  { role: 'member', path: '/documents/new' },
  { role: 'member', path: '/documents/new', then: uploadEmptyFile, label: '/documents/new (upload error)' },
  { role: 'member', path: (lang) => forumPath(lang, 'home').slice(3), label: '/forum' },
  { role: 'member', path: (lang) => forumPath(lang, 'latest').slice(3), label: '/forum latest' },
  { role: 'member', path: (lang) => forumPath(lang, 'category', { slug: categorySlug }).slice(3), label: '/forum category' },
  { role: 'member', path: (lang) => forumPath(lang, 'thread', { id: ids.thread }).slice(3), label: '/forum thread' },
  { role: 'member', path: (lang) => forumPath(lang, 'newThread').slice(3), label: '/forum new thread' },
  { role: 'member', path: (lang) => forumPath(lang, 'search', {}, 'q=armas').slice(3), label: '/forum search' },
  { role: 'admin', path: (lang) => forumPath(lang, 'moderation').slice(3), label: '/forum moderation' },
  { role: 'admin', path: (lang) => forumPath(lang, 'categories').slice(3), label: '/forum categories' },
];

describe('every page at 390 px and 1280 px, in both languages', () => {
  for (const lang of ['es', 'en'] as const) {
    for (const c of CASES) {
      const label = c.label ?? (typeof c.path === 'string' ? c.path : 'page');
      it(
        `${c.role} /${lang}${label}`,
        async () => {
          const page = await contexts.get(c.role)!.newPage();
          const problems: string[] = [];
          try {
            for (const width of WIDTHS) {
              await page.setViewportSize({ width, height: 900 });
              const path = typeof c.path === 'string' ? c.path : c.path(lang);
              const res = await page.goto(`${baseUrl}/${lang}${path}`);
              expect(res?.status(), `${lang}${path}`).toBeLessThan(500);
              if (c.then) await c.then(page, lang);
              for (const v of await axeViolations(page)) problems.push(`${width}px axe ${v}`);
              for (const p of await layoutProblems(page, width)) problems.push(`${width}px ${p}`);
            }
          } finally {
            await page.close();
          }
          expect(problems).toEqual([]);
        },
        AXE_TEST_TIMEOUT,
      );
    }
  }
});
