// What a picky reader met on a walk through the portal (issue 13), checked on the HTML the server
// sends: each reader sees their own language, links keep the search, tables and charts say what
// they mean. Layout, focus and live behaviour are in tests/e2e/walkthrough.test.ts.
import { createClient } from '@libsql/client';
import { describe, expect, inject, it } from 'vitest';
import { parseHTML } from 'linkedom';
import Parser from 'rss-parser';
import { HttpClient } from '#tests/helpers/http.ts';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');

async function as(email: string | null): Promise<HttpClient> {
  const c = new HttpClient(baseUrl);
  if (email) await c.signIn(email, password);
  return c;
}
async function page(c: HttpClient, path: string) {
  const res = await c.get(path);
  expect(res.status, path).toBe(200);
  return parseHTML(await res.text()).document;
}
async function sql(query: string) {
  const db = createClient({ url: inject('databaseUrl') });
  try {
    return (await db.execute(query)).rows;
  } finally {
    db.close();
  }
}
const text = (el: Element | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('the notice of a missing translation names the right language', () => {
  it('a Spanish-only bulletin says it exists only in Spanish; its English address says English is missing', async () => {
    const visitor = await as(null);
    const es = await page(visitor, '/es/bulletins/taller-identificacion-armas-guatemala');
    expect(text(es.querySelector('.portal-translation'))).toBe('Este documento existe solo en español.');
    const en = await page(visitor, '/en/bulletins/taller-identificacion-armas-guatemala');
    expect(text(en.querySelector('[data-testid=translation-missing]'))).toContain('This document is not available in English.');
    // Link text in the page's language is not marked as the other language.
    expect(en.querySelector('[data-testid=translation-missing] a')?.getAttribute('lang')).toBeNull();
  });
});

describe('links keep the search', () => {
  it('a hit carries the query, facets and page to the seizure page, whose "back" and language links return to it', async () => {
    const fgr = await as('analyst.fgr@demo.test');
    const search = '/es/seizures?q=fusil&country=MX&type=rifle&page=2';
    const list = await page(fgr, search);
    const hit = list.querySelector('[data-testid=seizure-hits] a')?.getAttribute('href') ?? '';
    expect(hit).toMatch(/^\/es\/seizures\/\d+\?q=fusil&country=MX&type=rifle&page=2$/);
    const detail = await page(fgr, hit);
    expect(detail.querySelector('[data-testid=back-to-search]')?.getAttribute('href')).toBe(search);
    expect(detail.querySelector('[data-testid=lang-switch]')?.getAttribute('href')).toBe(hit.replace('/es/', '/en/'));
  });
});

describe('everything a reader sees is in the page language', () => {
  it('the English seizure page names explosives and countries of manufacture in English', async () => {
    const [row] = await sql(
      "SELECT s.id FROM seizures s JOIN explosives e ON e.seizure_id = s.id JOIN scope_sets ss ON ss.id = s.scope_set_id WHERE ss.tokens = 'members' AND e.description = 'granada de fragmentación' LIMIT 1",
    );
    expect(row).toBeDefined();
    const atf = await as('agent.atf@demo.test');
    const en = await page(atf, `/en/seizures/${String(row!.id)}`);
    const explosives = text(en.querySelector('#exp-h')?.closest('section'));
    expect(explosives).toContain('fragmentation grenade');
    expect(explosives).not.toContain('granada');
    const firearms = text(en.querySelector('[data-testid=firearms]'));
    expect(firearms).not.toMatch(/\b(US|AT|DE|RS|BR)\b/);
  });

  it('says who may see a seizure in one phrase, not "Solo ATF; Solo FGR"', async () => {
    const [row] = await sql(
      "SELECT s.id FROM seizures s JOIN scope_sets ss ON ss.id = s.scope_set_id WHERE ss.tokens LIKE 'agency:%agency:%' AND ss.tokens LIKE '%agency:FGR%' LIMIT 1",
    );
    if (!row) return; // the demo data has no seizure for two agencies at this size
    const fgr = await as('analyst.fgr@demo.test');
    const es = await page(fgr, `/es/seizures/${String(row.id)}`);
    const dt = [...es.querySelectorAll('[data-testid=seizure-facts] dt')].find((d) => text(d) === 'Visible para');
    const visible = text(dt?.nextElementSibling);
    expect(visible).toMatch(/^[A-Z-]+ y [A-Z-]+$/);
  });

  it('a request opened from a seizure reads "Aseguramiento …" in the Spanish inbox although ATF wrote it in English', async () => {
    const [row] = await sql(
      "SELECT id, reference FROM seizures s WHERE s.scope_set_id IN (SELECT id FROM scope_sets WHERE tokens = 'members') LIMIT 1",
    );
    const atf = await as('agent.atf@demo.test');
    const form = await page(atf, `/en/requests/new?seizure=${String(row!.id)}`);
    const subject = form.querySelector('#field-subject')?.getAttribute('value') ?? '';
    expect(subject).toBe(`Seizure ${String(row!.reference)}`);
    const res = await atf.post('/en/requests/new?_action=createRequest', {
      addressed: 'FGR',
      type: 'records_check',
      subject,
      body: 'Please trace the firearms of this seizure.',
      lang: 'en',
      priority: 'routine',
      handlingCode: 'H0',
      seizureId: String(row!.id),
    });
    expect(res.status, text(parseHTML(await res.clone().text()).document.querySelector('[data-testid=form-error]'))).toBe(303);
    const fgr = await as('analyst.fgr@demo.test');
    const inbox = await page(fgr, '/es/requests?box=inbox&sort=created');
    expect(text(inbox.querySelector('[data-testid=requests]'))).toContain(`Aseguramiento ${String(row!.reference)}`);
    expect(text(inbox.querySelector('[data-testid=requests]'))).not.toContain(`Seizure ${String(row!.reference)}`);
    const notifications = await page(fgr, '/es/notifications');
    expect(text(notifications.querySelector('main'))).toContain(`Aseguramiento ${String(row!.reference)}`);
  });

  it('the audit log names actions in words, in both languages', async () => {
    const admin = await as('admin@demo.test');
    const es = await page(admin, '/es/admin/audit?action=auth.sign_in');
    const cells = text(es.querySelector('[data-testid=audit] tbody'));
    expect(cells).toContain('Inicio de sesión');
    expect(cells).not.toContain('auth.sign_in');
    expect(text(es.querySelector('#f-action option[selected]'))).toBe('Inicio de sesión');
    const en = await page(admin, '/en/admin/audit?action=auth.sign_in');
    expect(text(en.querySelector('[data-testid=audit] tbody'))).toContain('Sign-in');
  });

  it('feed categories are the tags in the feed language', async () => {
    const parser = new Parser();
    for (const [lang, word] of [
      ['es', 'Conferencias'],
      ['en', 'Conferences'],
    ] as const) {
      const feed = await parser.parseString(await (await fetch(`${baseUrl}/${lang}/feed.xml`)).text());
      const categories = feed.items.flatMap((i) => i.categories ?? []);
      expect(categories.length).toBeGreaterThan(0);
      expect(categories).toContain(word);
      expect(categories.filter((c) => /^[a-z-]+$/.test(c) && c !== 'etrace')).toEqual([]);
    }
  });
});

describe('wording', () => {
  it('the home page names protocol versions once and links "all bulletins" as a phrase', async () => {
    const es = await page(await as(null), '/es/');
    const protocols = text(es.querySelector('[data-testid=home-protocols]'));
    expect(protocols).not.toMatch(/\(versión [\d.]+\) \(Versión/i);
    expect(text(es.querySelector('[data-testid=home-bulletins] a[href="/es/bulletins"]'))).toBe('Ver todos los boletines');
  });

  it('agency lists name each agency once: "FGR — Fiscalía General de la República", "CENAPI — … (FGR) · México"', async () => {
    const fgr = await as('analyst.sedena@demo.test');
    const form = await page(fgr, '/es/requests/new');
    const labels = [...form.querySelectorAll('[data-testid=new-request] label[for^=addr-]')].map(text);
    expect(labels).toContain('FGR — Fiscalía General de la República · México');
    expect(labels.find((l) => l.startsWith('CENAPI'))).toMatch(/^CENAPI — Centro Nacional .* \(FGR\) · México$/);
    for (const l of labels) expect(l).not.toMatch(/\)\s*\(/);
  });

  it('a status reads as Spanish: "Recepción confirmada"', async () => {
    const admin = await as('admin@demo.test');
    const list = await page(admin, '/es/requests?box=all&status=acknowledged');
    const statuses = [...list.querySelectorAll('[data-testid=status]')].map(text);
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['Recepción confirmada']));
  });

  it('the dashboard puts a space after its totals', async () => {
    const fgr = await as('analyst.fgr@demo.test');
    const dash = await page(fgr, '/es/seizures/dashboard');
    expect(text(dash.querySelector('.usa-summary-box'))).toMatch(/armas\. Armas con serie borrada/);
  });
});

describe('dashboard charts say what they mean', () => {
  it('counts a month without seizures as zero, and its map key covers every colour the map uses', async () => {
    const fgr = await as('analyst.fgr@demo.test');
    const dash = await page(fgr, '/es/seizures/dashboard?country=MX&state=MX-BCS');
    const months = [...dash.querySelectorAll('#chart-month ~ details tbody tr')].map((tr) => text(tr.querySelector('td')));
    expect(months.length).toBeGreaterThan(1);
    expect(months).toContain('0');
    expect(text(dash.querySelector('[data-testid=month-key]'))).toContain('Armas');
    // The whole map: every colour it uses is a class of the key, whose last range ends at the busiest state.
    const full = await page(fgr, '/es/seizures/dashboard?country=MX');
    const used = new Set([...full.querySelectorAll('[data-testid=state-map] path')].map((p) => p.getAttribute('fill')));
    const keyed = [...full.querySelectorAll('[data-testid=map-key] li')].map(text);
    expect(used.size).toBeGreaterThan(4);
    expect(keyed.length).toBeGreaterThanOrEqual(used.size);
    expect(keyed[0]).toBe('0');
    const busiest = Math.max(
      ...[...full.querySelectorAll('[data-testid=state-table] tbody tr')]
        // Each state names its country under it (th), then its seizures (first td).
        .filter((tr) => text(tr.querySelector('th .portal-secondary')) === 'México')
        .map((tr) => Number(text(tr.querySelector('td')).replace(/,/g, ''))),
    );
    expect(keyed.at(-1)).toMatch(new RegExp(`–${busiest.toLocaleString('es-MX')}$`));
  });
});

describe('dates', () => {
  it('date fields take the page language order and addresses keep YYYY-MM-DD', async () => {
    const fgr = await as('analyst.fgr@demo.test');
    const es = await fgr.get('/es/seizures?from=05%2F02%2F2024&to=31%2F12%2F2024');
    expect(es.status).toBe(302);
    expect(es.headers.get('location')).toBe('/es/seizures?from=2024-02-05&to=2024-12-31');
    const en = await fgr.get('/en/seizures?from=02%2F05%2F2024');
    expect(en.headers.get('location')).toBe('/en/seizures?from=2024-02-05');
    const form = await page(fgr, '/es/seizures?from=2024-02-05');
    expect(form.querySelector('#seizure-from')?.getAttribute('value')).toBe('05/02/2024');
    expect(text(form.querySelector('#seizure-from-hint'))).toBe('dd/mm/aaaa');
    const formEn = await page(fgr, '/en/seizures?from=2024-02-05');
    expect(formEn.querySelector('#seizure-from')?.getAttribute('value')).toBe('02/05/2024');
  });

  it('a date that cannot be read is named at its field with the format of the page language, kept as typed and left out', async () => {
    const fgr = await as('analyst.fgr@demo.test');
    const all = await page(fgr, '/es/seizures');
    // 12/31/2024 is the English order: on a Spanish page it is month 31, which does not exist.
    const res = await fgr.get('/es/seizures?from=12%2F31%2F2024');
    expect(res.status).toBe(200);
    const es = parseHTML(await res.text()).document;
    expect(text(es.querySelector('#seizure-from-error'))).toBe('Desde: escriba la fecha como dd/mm/aaaa.');
    expect(es.querySelector('#seizure-from')?.getAttribute('value')).toBe('12/31/2024');
    expect(es.querySelector('#seizure-from')?.getAttribute('aria-describedby')).toBe('seizure-from-hint seizure-from-error');
    // The filters stand open on phones too, so the reader sees which field to correct.
    expect(es.querySelector('[data-testid=seizure-filters]')?.hasAttribute('open')).toBe(true);
    expect(text(es.querySelector('[data-testid=seizure-total]'))).toBe(text(all.querySelector('[data-testid=seizure-total]')));
    const en = await page(fgr, '/en/seizures?to=31%2F12%2F2024');
    expect(text(en.querySelector('#seizure-to-error'))).toBe('To: write the date as mm/dd/yyyy.');
    const admin = await as('admin@demo.test');
    const audit = await page(admin, '/es/admin/audit?from=2024-02-30');
    expect(text(audit.querySelector('#f-from-error'))).toBe('Desde: escriba la fecha como dd/mm/aaaa.');
    expect(audit.querySelector('#f-from')?.getAttribute('value')).toBe('2024-02-30');
  });

  it('times show in the reader’s time zone: the agency’s by default, the one chosen on the account page after', async () => {
    const fgr = await as('analyst.fgr@demo.test');
    const account = await page(fgr, '/es/account');
    expect(text(account.querySelector('#time-zone option[selected]'))).toMatch(/^Ciudad de México/);
    expect(text(account.querySelector('[data-testid=sessions] tbody'))).toMatch(/GMT-6|CST/);
    const saved = await fgr.post('/es/account?_action=setTimeZone', { timeZone: 'America/Tijuana' });
    expect(saved.status).toBe(200);
    const after = parseHTML(await saved.text()).document;
    expect(text(after.querySelector('[data-testid=notice]'))).toBe('Zona horaria guardada.');
    expect(text(after.querySelector('#time-zone option[selected]'))).toMatch(/^Tijuana/);
    expect(text(after.querySelector('[data-testid=sessions] tbody'))).toMatch(/GMT-[78]|PST|PDT/);
    // The first choice, "the agency's", goes back to the default.
    const reset = await fgr.post('/es/account?_action=setTimeZone', { timeZone: '' });
    expect(reset.status).toBe(200);
    const back = parseHTML(await reset.text()).document;
    expect(text(back.querySelector('[data-testid=notice]'))).toBe('Zona horaria guardada.');
    expect(back.querySelector('#time-zone option[selected]')?.getAttribute('value')).toBe('');
    expect(text(back.querySelector('[data-testid=sessions] tbody'))).toMatch(/GMT-6|CST/);
  });
});

describe('an author’s agency is named once', () => {
  it('forum lists, the document library and a document page do not repeat an agency a display name already carries', async () => {
    const fgr = await as('analyst.fgr@demo.test');
    const [doc] = await sql(
      "SELECT d.id FROM documents d JOIN users u ON u.id = d.owner_id WHERE u.email = 'analyst.fgr@demo.test' AND d.deleted_at IS NULL AND d.origin = 'library' ORDER BY d.id LIMIT 1",
    );
    const paths = [
      '/es/foros/recientes',
      '/en/forums/latest',
      '/es/documents?tab=shared',
      '/en/documents?tab=mine',
      `/es/documents/${String(doc?.id)}`,
    ];
    for (const path of paths) {
      const main = text((await page(fgr, path)).querySelector('main'));
      // The demo names carry their agency ("Lucía Ramírez Ochoa (FGR)"): shown once, not "(FGR) (FGR)".
      expect(main, path).toMatch(/\((FGR|ATF|SSPC|MP-GT)\)/);
      expect(main, path).not.toMatch(/\(([A-Z][\w-]*)\),? \(\1\)/);
    }
  });
});
