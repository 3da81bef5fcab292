import Parser from 'rss-parser';
import { describe, expect, inject, it } from 'vitest';
import { HttpClient } from '#tests/helpers/http.ts';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');

async function as(email: string | null): Promise<HttpClient> {
  const c = new HttpClient(baseUrl);
  if (email) expect((await c.signIn(email, password)).status).toBe(303);
  return c;
}

const slugsIn = (html: string, kind: string, lang: string) =>
  [...html.matchAll(new RegExp(`href="/${lang}/${kind}/([a-z0-9-]+)"`, 'g'))]
    .map((m) => m[1]!)
    .filter((v, i, a) => a.indexOf(v) === i)
    .sort();

// What each reader should find among the seeded bulletins (content/bulletins).
const FGR_ONLY = 'restauracion-numeros-de-serie';
const ATF_HSI_ONLY = 'coordinacion-rastreos-atf-hsi';
const MX_ONLY = 'registro-aseguramientos-cartuchos';
const MEMBERS = 'gao-16-223-cifras-2009-2014';
const PUBLIC = 'gao-09-709-origen-armas';

describe('bulletins per reader', () => {
  const cases: [string, string | null, { sees: string[]; misses: string[] }][] = [
    ['a visitor', null, { sees: [PUBLIC], misses: [MEMBERS, FGR_ONLY, ATF_HSI_ONLY, MX_ONLY] }],
    ['an ATF member', 'agent.atf@demo.test', { sees: [PUBLIC, MEMBERS, ATF_HSI_ONLY], misses: [FGR_ONLY, MX_ONLY] }],
    ['an FGR member', 'analyst.fgr@demo.test', { sees: [PUBLIC, MEMBERS, FGR_ONLY, MX_ONLY], misses: [ATF_HSI_ONLY] }],
    ['a SEDENA member (MX, not FGR)', 'analyst.sedena@demo.test', { sees: [PUBLIC, MEMBERS, MX_ONLY], misses: [FGR_ONLY, ATF_HSI_ONLY] }],
  ];
  for (const [who, email, { sees, misses }] of cases) {
    it(`${who} sees exactly the items meant for them, in lists and detail pages, in both languages`, async () => {
      const c = await as(email);
      for (const lang of ['es', 'en']) {
        const list = await (await c.get(`/${lang}/bulletins`)).text();
        const slugs = slugsIn(list, 'bulletins', lang);
        for (const s of sees) expect(slugs, `${lang} list should have ${s}`).toContain(s);
        for (const s of misses) expect(slugs, `${lang} list should not have ${s}`).not.toContain(s);
        for (const s of sees) expect((await c.get(`/${lang}/bulletins/${s}`)).status, `${lang}/${s}`).toBe(200);
        for (const s of misses) expect((await c.get(`/${lang}/bulletins/${s}`)).status, `${lang}/${s}`).toBe(404);
        const home = await (await c.get(`/${lang}/`)).text();
        for (const s of misses) expect(home).not.toContain(`/${lang}/bulletins/${s}"`);
      }
    });
  }

  it('keeps members-only protocols and training from visitors', async () => {
    const visitor = await as(null);
    expect((await visitor.get('/es/protocols/requisitos-uniformes-evidencia')).status).toBe(404);
    expect((await visitor.get('/en/training/numeros-de-serie-borrados')).status).toBe(404);
    expect((await visitor.get('/en/training/numeros-de-serie-borrados/tecnicas-de-borrado')).status).toBe(404);
    const member = await as('fiscal.gt@demo.test');
    expect((await member.get('/es/protocols/requisitos-uniformes-evidencia')).status).toBe(200);
    expect((await member.get('/en/training/numeros-de-serie-borrados')).status).toBe(200);
  });
});

describe('feeds and sitemap', () => {
  it('the RSS feed per language parses and lists only public bulletins, even for a signed-in FGR reader', async () => {
    const parser = new Parser();
    const fgr = await as('analyst.fgr@demo.test');
    for (const lang of ['es', 'en'] as const) {
      const res = await fgr.get(`/${lang}/feed.xml`);
      expect(res.headers.get('content-type')).toContain('xml');
      const feed = await parser.parseString(await res.text());
      expect(feed.title).toContain('Armas Cruzadas');
      const links = feed.items.map((i) => i.link ?? '');
      expect(links.some((l) => l.endsWith(`/${lang}/bulletins/${PUBLIC}`))).toBe(true);
      for (const s of [MEMBERS, FGR_ONLY, ATF_HSI_ONLY, MX_ONLY]) expect(links.some((l) => l.includes(s))).toBe(false);
    }
    const es = await parser.parseString(await (await fgr.get('/es/feed.xml')).text());
    expect(es.items.some((i) => i.link?.endsWith('/es/bulletins/taller-identificacion-armas-guatemala'))).toBe(true);
    const en = await parser.parseString(await (await fgr.get('/en/feed.xml')).text());
    expect(en.items.some((i) => i.link?.includes('taller-identificacion-armas-guatemala'))).toBe(false);
  });

  it('the sitemap lists public pages only', async () => {
    const xml = await (await fetch(`${baseUrl}/sitemap.xml`)).text();
    expect(xml).toContain(`/es/bulletins/${PUBLIC}</loc>`);
    expect(xml).toContain('/en/training/rastreo-de-armas/solicitud-etrace</loc>');
    for (const s of [MEMBERS, FGR_ONLY, ATF_HSI_ONLY, MX_ONLY, 'requisitos-uniformes-evidencia', 'numeros-de-serie-borrados'])
      expect(xml).not.toContain(s);
  });
});

describe('detail pages', () => {
  it('links a translation, or shows a notice where the other language is missing', async () => {
    const c = await as(null);
    const es = await (await c.get(`/es/bulletins/${PUBLIC}`)).text();
    expect(es).toContain(`href="/en/bulletins/${PUBLIC}"`);
    const missing = await c.get('/en/bulletins/taller-identificacion-armas-guatemala');
    expect(missing.status).toBe(200);
    const html = await missing.text();
    expect(html).toContain('This document is not available in English.');
    expect(html).toContain('href="/es/bulletins/taller-identificacion-armas-guatemala"');
  });

  it('marks superseded protocols with a link to their successor and lists a table of contents', async () => {
    const c = await as(null);
    const old = await (await c.get('/en/protocols/rastreo-armas-v1')).text();
    expect(old).toContain('This protocol has been superseded.');
    expect(old).toContain('href="/en/protocols/rastreo-armas-v2"');
    const current = await (await c.get('/es/protocols/rastreo-armas-v2')).text();
    expect(current).toContain('data-testid="toc"');
    expect(current).toContain('Vigente');
  });

  it('walks a training module lesson by lesson', async () => {
    const c = await as(null);
    const first = await (await c.get('/es/training/rastreo-de-armas/datos-minimos')).text();
    expect(first).toContain('Lección 1 de 3');
    expect(first).toMatch(/rel="next" href="\/es\/training\/rastreo-de-armas\/solicitud-etrace"/);
    const last = await (await c.get('/es/training/rastreo-de-armas/lectura-de-resultados')).text();
    expect(last).toContain('Lección 3 de 3');
    expect(last).toMatch(/rel="prev" href="\/es\/training\/rastreo-de-armas\/solicitud-etrace"/);
  });

  it('filters lists by tag, agency and year, and paginates', async () => {
    const c = await as(null);
    const byTag = await (await c.get('/en/bulletins?tag=conference')).text();
    expect(slugsIn(byTag, 'bulletins', 'en')).toEqual(['conferencia-phoenix-2009', 'conferencia-tapachula-frontera-sur']);
    const byYear = await (await c.get('/es/bulletins?year=2025')).text();
    expect(slugsIn(byYear, 'bulletins', 'es')).toContain('taller-identificacion-armas-guatemala');
    const none = await (await c.get('/es/bulletins?agency=BPD')).text();
    expect(none).toContain('No hay documentos con estos filtros.');
  });

  it('serves an attachment with its type, and audits a member’s download', async () => {
    const c = await as('agent.atf@demo.test');
    const page = await (await c.get('/es/bulletins/ficha-datos-minimos-aseguramiento')).text();
    const href = /href="(\/es\/attachments\/[^"]+)"/.exec(page)?.[1];
    expect(href).toBeDefined();
    expect(page).toMatch(/\(CSV, [\d.,]+ (B|KB)\)/);
    const res = await c.get(href!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain('attachment');
    expect((await c.get('/es/attachments/../../package.json')).status).toBe(404);
    expect((await c.get('/es/attachments/not-listed.csv')).status).toBe(404);
  });

  it('filters the glossary on the server without JavaScript, ignoring accents', async () => {
    const html = await (await (await as(null)).get('/es/glossary?q=numero%20de%20serie%20borrado')).text();
    const visible = [...html.matchAll(/<div class="portal-glossary__entry" id="([a-z0-9-]+)" data-search="[^"]*"(?! hidden)/g)].map(
      (m) => m[1],
    );
    expect(visible).toContain('obliterated-serial-number');
    expect(visible.length).toBeLessThan(10);
    const all = await (await (await as(null)).get('/en/glossary')).text();
    expect([...all.matchAll(/class="portal-glossary__entry"/g)].length).toBeGreaterThanOrEqual(60);
  });
});
