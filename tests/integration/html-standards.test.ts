// Every page type, as a visitor, a member and an admin, in both languages, through the Nu HTML
// Checker: zero errors is the bar. The pages are found by crawling links, so rooms added later are
// checked without being listed here; error states that only a form post reaches are added by hand.
import { mkdirSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import { crawl, pageType, type CrawledPage } from '#tests/helpers/crawl.ts';
import { HttpClient } from '#tests/helpers/http.ts';
import { startServer, TEST_PASSWORD, type RunningServer } from '#tests/helpers/start-server.ts';
import { validateHtml } from '#tests/helpers/vnu.ts';

// Its own server: crawling as an admin opens requests and reads notifications, which other files'
// assertions on the shared server must not see.
let server: RunningServer;
const pages: { name: string; page: CrawledPage }[] = [];

beforeAll(async () => {
  server = await startServer({ DEMO_SEIZURES: '400' });
  const visitor = new HttpClient(server.baseUrl);
  for (const page of await crawl(visitor, ['/es/', '/en/', '/es/no-such-page', '/en/invitation/not-a-real-token'])) {
    pages.push({ name: `visitor ${page.path}`, page });
  }
  for (const email of ['analyst.fgr@demo.test', 'admin@demo.test']) {
    const member = new HttpClient(server.baseUrl);
    await member.signIn(email, TEST_PASSWORD);
    const starts = ['/es/', '/en/', '/es/seizures?country=MX&type=rifle&calibre=.38+Super', '/en/seizures?q=fusil', '/es/requests?box=all'];
    for (const page of await crawl(member, starts)) pages.push({ name: `${email} ${page.path}`, page });
    // Error states reached only by posting a form.
    for (const lang of ['es', 'en']) {
      const posts: [string, Record<string, string>][] = [
        [`/${lang}/requests/new?_action=createRequest`, { subject: '' }],
        [`/${lang}/account?_action=changePassword`, { currentPassword: 'x', newPassword: 'y', passwordConfirm: 'z' }],
      ];
      for (const [path, form] of posts) {
        const res = await member.post(path, form);
        pages.push({ name: `${email} POST ${path}`, page: { path, status: res.status, html: await res.text() } });
      }
    }
  }
  for (const lang of ['es', 'en']) {
    const res = await visitor.post(`/${lang}/sign-in?_action=signIn`, { email: '', password: '', next: '' });
    pages.push({ name: `visitor POST /${lang}/sign-in`, page: { path: `/${lang}/sign-in`, status: res.status, html: await res.text() } });
  }
}, 600_000);

afterAll(async () => {
  await server?.stop();
});

describe('HTML standards', () => {
  it('crawls every room in both languages', () => {
    const types = new Set(pages.map((p) => pageType(p.page.path)));
    for (const expected of [
      '/es/',
      '/en/bulletins',
      '/es/bulletins/:x',
      '/en/protocols/:x',
      '/es/training/:x/:x',
      '/en/glossary',
      '/es/seizures',
      '/es/seizures/:x',
      '/en/seizures/dashboard',
      '/es/requests/:x',
      '/en/requests/metrics',
      '/es/account',
      '/en/admin/audit',
      '/es/admin/users/:x',
    ]) {
      expect(types, expected).toContain(expected);
    }
  });

  it('every page names its canonical address, its other language and x-default, and describes itself', () => {
    const problems: string[] = [];
    const descriptions = new Map<string, string>();
    for (const { name, page } of pages) {
      if (page.status !== 200) continue;
      const { document } = parseHTML(page.html);
      const lang = page.path.slice(1, 3);
      const other = lang === 'es' ? 'en' : 'es';
      const canonical = document.querySelector('link[rel=canonical]')?.getAttribute('href') ?? '';
      if (!canonical.startsWith(server.baseUrl + `/${lang}`)) problems.push(`${name}: canonical ${canonical}`);
      const alternate = (l: string) => document.querySelector(`link[rel=alternate][hreflang="${l}"]`)?.getAttribute('href') ?? '';
      const translationMissing = Boolean(document.querySelector('[data-testid=translation-missing], .portal-translation:not(:has(a))'));
      if (!translationMissing) {
        if (!alternate(other).startsWith(`${server.baseUrl}/${other}`)) problems.push(`${name}: hreflang ${other} ${alternate(other)}`);
        if (!alternate('x-default').startsWith(`${server.baseUrl}/es`)) problems.push(`${name}: x-default ${alternate('x-default')}`);
      }
      const description = document.querySelector('meta[name=description]')?.getAttribute('content') ?? '';
      if (description.length < 20) problems.push(`${name}: description "${description}"`);
      descriptions.set(pageType(page.path), description);
    }
    expect(problems).toEqual([]);
    // Page-specific: the home page, the glossary and a bulletin do not share one description.
    const some = ['/es/', '/es/glossary', '/es/bulletins/:x', '/en/seizures'].map((type) => descriptions.get(type));
    expect(new Set(some).size).toBe(some.length);
  });

  it('the sitemap lists each public page in both languages as alternates, with lastmod', async () => {
    // A fresh connection: the crawl's keep-alive sockets may have been closed by the server meanwhile.
    const xml = await new Promise<string>((resolve, reject) => {
      get(`${server.baseUrl}/sitemap.xml`, { agent: false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
    const block = xml.split('<url>').find((u) => u.includes('/en/bulletins/conferencia-phoenix-2009</loc>')) ?? '';
    expect(block).toMatch(/<lastmod>\d{4}-\d{2}-\d{2}<\/lastmod>/);
    const links = [...block.matchAll(/<xhtml:link rel="alternate" hreflang="([^"]+)" href="([^"]+)"\/>/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(links).toEqual([
      `es ${server.baseUrl}/es/bulletins/conferencia-phoenix-2009`,
      `en ${server.baseUrl}/en/bulletins/conferencia-phoenix-2009`,
      `x-default ${server.baseUrl}/es/bulletins/conferencia-phoenix-2009`,
    ]);
  });

  it('the Nu HTML Checker finds no error on any page', async () => {
    const errors = await validateHtml(pages.map((p) => ({ name: p.name, html: p.page.html })));
    // The whole list for a reader (vitest shortens long diffs): tmp/html-errors.txt.
    if (errors.length > 0) {
      mkdirSync('tmp', { recursive: true });
      writeFileSync('tmp/html-errors.txt', errors.join('\n'));
    }
    expect(errors).toEqual([]);
  }, 300_000);
});
