/**
 * The page sweep: every page type, in both languages, at phone width (390 px) and desktop width
 * (1280 px): axe (WCAG 2.2 A/AA and best practices) finds nothing, the page never scrolls sideways,
 * every table fits its column and every form control its box (`layoutProblems`). One test per page
 * and language, so a slow, busy machine makes each test slower but never pushes a whole loop past
 * its limit.
 *
 * The cases are split into areas and each area × language is its own test file
 * (`tests/e2e/pages-<area>-<lang>.test.ts`), so the four quarters run in parallel on vitest's
 * workers instead of one file being the longest path of the whole suite. Each file signs in only
 * the roles its cases use.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { forumPath } from '#src/i18n/forum-paths.ts';
import { AXE_TEST_TIMEOUT, axeViolations, launchBrowser, layoutProblems, signInThroughForm, WIDTHS } from './browser.ts';

type Role = 'visitor' | 'member' | 'editor' | 'admin';
type Lang = 'es' | 'en';
const accounts: Record<Exclude<Role, 'visitor'>, string> = {
  member: 'analyst.fgr@demo.test',
  editor: 'editor.sspc@demo.test',
  admin: 'admin@demo.test',
};

/** Ids of demo rows some pages need (a seizure, a request, a document…), looked up once per file. */
interface Found {
  seizure: number;
  request: number;
  otherRequest: number;
  /** Users have text ids. */
  user: string;
  document: number;
  thread: number;
  categorySlug: string;
}

interface PageCase {
  role: Role;
  /** Path after the language prefix, or a function of the language (the forum's addresses are translated) and the ids found in the database. */
  path: string | ((lang: Lang, found: Found) => string);
  /** Brings the page into a state a link cannot reach (a failed form post), and checks what it says. */
  then?: (page: Page, lang: Lang) => Promise<unknown>;
  label?: string;
  /** The status the page answers with; 200 unless said (a missing page is a page too). */
  status?: number;
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

/** The invitations list with a row in it (the demo data has none): an admin invites a new analyst. */
async function inviteSomeone(page: Page, lang: Lang) {
  const email = `nueva.analista.${randomUUID().slice(0, 8)}@demo.test`;
  await page.fill('#field-email', email);
  await page.selectOption('#agencyId', { index: 1 });
  await Promise.all([page.waitForLoadState('load'), page.click('form[action*=createInvitation] button[type=submit]')]);
  const row = page.locator('[data-testid=invitations] tbody tr', { hasText: email });
  // Status, with the expiry under it.
  expect(await row.locator('td').nth(2).innerText()).toMatch(lang === 'es' ? /^Pendiente\s+Vence \d/ : /^Pending\s+Expires \w/);
}

/**
 * Every page type, by area. "site": public content, sign-in, account, seizure search and
 * dashboard, the import, information requests. "rooms": administration, second factor, search
 * admin, documents and forum.
 */
export const SWEEP_CASES = {
  site: [
    { role: 'visitor', path: '/' },
    { role: 'visitor', path: '/sign-in' },
    { role: 'visitor', path: '/sign-in', then: submitEmpty('form.usa-form'), label: '/sign-in (error)' },
    { role: 'visitor', path: '/no-such-page', status: 404 },
    { role: 'visitor', path: '/invitation/not-a-real-token', status: 404 },
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
    { role: 'member', path: (_lang, found) => `/seizures/${found.seizure}`, label: '/seizures/<id>' },
    { role: 'member', path: '/seizures/dashboard' },
    { role: 'member', path: '/seizures/dashboard?country=MX&type=rifle' },
    { role: 'member', path: '/requests' },
    { role: 'member', path: '/requests?box=outbox' },
    { role: 'member', path: '/requests?box=all&overdue=1' },
    { role: 'member', path: '/requests/new' },
    { role: 'member', path: '/requests/new', then: submitEmpty('[data-testid=new-request]'), label: '/requests/new (error)' },
    { role: 'member', path: '/requests/metrics' },
    { role: 'member', path: '/notifications' },
    { role: 'member', path: (_lang, found) => `/requests/${found.request}`, label: '/requests/<id>' },
    { role: 'member', path: (_lang, found) => `/requests/${found.request}/print`, label: '/requests/<id>/print' },
    { role: 'editor', path: '/seizures/import' },
  ],
  rooms: [
    { role: 'admin', path: '/admin/users' },
    { role: 'admin', path: (_lang, found) => `/admin/users/${found.user}`, label: '/admin/users/<id>' },
    { role: 'admin', path: '/admin/invitations' },
    { role: 'admin', path: '/admin/invitations', then: inviteSomeone, label: '/admin/invitations (one sent)' },
    { role: 'admin', path: '/admin/agencies' },
    { role: 'admin', path: '/admin/audit' },
    { role: 'admin', path: (_lang, found) => `/requests/${found.otherRequest}`, label: '/requests/<id> (admin)' },
    { role: 'admin', path: '/requests/metrics?agency=' },
    { role: 'admin', path: '/mfa' },
    { role: 'admin', path: '/mfa/setup' },
    { role: 'member', path: '/mfa/setup', label: '/mfa/setup (no factor yet)' },
    { role: 'admin', path: '/admin/search' },
    { role: 'member', path: '/documents?tab=shared' },
    { role: 'member', path: '/documents?tab=agency' },
    { role: 'member', path: '/documents?tab=mine' },
    { role: 'member', path: '/documents?tab=mine&from=2024-01-01&to=x', label: '/documents (date error)' },
    { role: 'member', path: '/documents/deleted' },
    { role: 'member', path: (_lang, found) => `/documents/${found.document}`, label: '/documents/<id>' },
    { role: 'member', path: (_lang, found) => `/documents/${found.document}/edit`, label: '/documents/<id>/edit' },
    { role: 'member', path: (_lang, found) => `/documents/${found.document}/version`, label: '/documents/<id>/version' },
    { role: 'member', path: '/documents/new' },
    { role: 'member', path: '/documents/new', then: uploadEmptyFile, label: '/documents/new (upload error)' },
    { role: 'member', path: (lang) => forumPath(lang, 'home').slice(3), label: '/forum' },
    { role: 'member', path: (lang) => forumPath(lang, 'latest').slice(3), label: '/forum latest' },
    { role: 'member', path: (lang, found) => forumPath(lang, 'category', { slug: found.categorySlug }).slice(3), label: '/forum category' },
    { role: 'member', path: (lang, found) => forumPath(lang, 'thread', { id: found.thread }).slice(3), label: '/forum thread' },
    { role: 'member', path: (lang) => forumPath(lang, 'newThread').slice(3), label: '/forum new thread' },
    { role: 'member', path: (lang) => forumPath(lang, 'search', {}, 'q=armas').slice(3), label: '/forum search' },
    { role: 'admin', path: (lang) => forumPath(lang, 'moderation').slice(3), label: '/forum moderation' },
    { role: 'admin', path: (lang) => forumPath(lang, 'categories').slice(3), label: '/forum categories' },
  ],
} satisfies Record<string, PageCase[]>;

export type SweepArea = keyof typeof SWEEP_CASES;

interface SweepOptions {
  area: SweepArea;
  lang: Lang;
  /** From the test file's own `inject(...)`: tests/helpers/file-server.ts gives a server only to files that call it. */
  baseUrl: string;
  databaseUrl: string;
  password: string;
}

async function sql(databaseUrl: string, query: string) {
  const db = createClient({ url: databaseUrl });
  try {
    return (await db.execute(query)).rows;
  } finally {
    db.close();
  }
}

async function findIds(databaseUrl: string): Promise<Found> {
  const [seizure] = await sql(
    databaseUrl,
    "SELECT s.id FROM seizures s JOIN scope_sets ss ON ss.id = s.scope_set_id WHERE ss.tokens = 'members' ORDER BY (SELECT count(*) FROM firearms f WHERE f.seizure_id = s.id) DESC LIMIT 1",
  );
  const [request] = await sql(
    databaseUrl,
    'SELECT request_id AS id FROM request_messages GROUP BY request_id HAVING count(*) > 1 ORDER BY request_id LIMIT 1',
  );
  const [other] = await sql(databaseUrl, "SELECT id FROM requests WHERE status = 'reopened' LIMIT 1");
  const [user] = await sql(databaseUrl, "SELECT id FROM users WHERE email = 'analyst.fgr@demo.test'");
  // A library document of the member's own (its page and its new-version form).
  const [document] = await sql(
    databaseUrl,
    "SELECT d.id FROM documents d JOIN users u ON u.id = d.owner_id WHERE u.email = 'analyst.fgr@demo.test' AND d.deleted_at IS NULL AND d.origin = 'library' ORDER BY d.id LIMIT 1",
  );
  // The members' thread with the most posts, and its category.
  const [thread] = await sql(
    databaseUrl,
    "SELECT t.id, c.slug FROM threads t JOIN scope_sets ss ON ss.id = t.scope_set_id JOIN thread_categories c ON c.id = t.category_id WHERE ss.tokens = 'members' AND t.hidden_at IS NULL ORDER BY t.post_count DESC, t.id LIMIT 1",
  );
  const found = {
    seizure: Number(seizure?.id),
    request: Number(request?.id),
    otherRequest: Number(other?.id),
    user: String(user?.id ?? ''),
    document: Number(document?.id),
    thread: Number(thread?.id),
    categorySlug: String(thread?.slug ?? ''),
  };
  expect(found.user, 'analyst.fgr in the demo data').not.toBe('');
  expect(found.document, 'a library document of analyst.fgr in the demo data').toBeGreaterThan(0);
  expect(found.thread, 'a members thread in the demo data').toBeGreaterThan(0);
  return found;
}

/** Declares one test per page of `area` in `lang` (call it once, at the top of a test file). */
export function sweepPages({ area, lang, baseUrl, databaseUrl, password }: SweepOptions): void {
  const cases: PageCase[] = SWEEP_CASES[area];
  let browser: Browser;
  let found: Found;
  const contexts = new Map<Role, BrowserContext>();

  beforeAll(async () => {
    browser = await launchBrowser();
    found = await findIds(databaseUrl);
    for (const role of new Set(cases.map((c) => c.role))) {
      const context = await browser.newContext();
      if (role !== 'visitor') {
        const page = await context.newPage();
        await signInThroughForm(page, baseUrl, accounts[role], password);
        await page.close();
      }
      contexts.set(role, context);
    }
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  describe(`every page (${area}) at 390 px and 1280 px, /${lang}`, () => {
    for (const c of cases) {
      const label = c.label ?? (typeof c.path === 'string' ? c.path : 'page');
      it(
        `${c.role} /${lang}${label}`,
        async () => {
          const page = await contexts.get(c.role)!.newPage();
          const problems: string[] = [];
          try {
            for (const width of WIDTHS) {
              await page.setViewportSize({ width, height: 900 });
              const path = typeof c.path === 'string' ? c.path : c.path(lang, found);
              const res = await page.goto(`${baseUrl}/${lang}${path}`);
              expect(res?.status(), `${lang}${path}`).toBe(c.status ?? 200);
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
  });
}
