import { describe, expect, inject, it, beforeAll } from 'vitest';
import { HttpClient } from '#tests/helpers/http.ts';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');

async function as(email: string): Promise<HttpClient> {
  const c = new HttpClient(baseUrl);
  expect((await c.signIn(email, password)).status).toBe(303);
  return c;
}

const HEADER =
  'reference,date,state,agency,case_file,summary_es,summary_en,visibility,firearm_type,manufacturer,model,calibre,serial,obliterated_serial,trace_status';
// A seizure only FGR may see, with a serial no generated seizure has, and one every member sees.
const GOOD = [
  HEADER,
  'IT-FGR-0001,2026-03-14,Michoacán,FGR,FED/MIC/IT/0001/2026,Aseguramiento de prueba en Uruapan,Test seizure in Uruapan,agency:FGR,rifle,Barrett,M82A1,.50 BMG,Z9QW778812,no,traced_us_retail',
  'IT-FGR-0001,2026-03-14,Michoacán,FGR,FED/MIC/IT/0001/2026,Aseguramiento de prueba en Uruapan,Test seizure in Uruapan,agency:FGR,pistol,Colt,Government,.38 Super,Z9QW778813,no,requested',
  'IT-ALL-0002,14/03/2026,Sonora,SEDENA,SON/IT/0002/2026,Aseguramiento en Nogales,Seizure in Nogales,members,rifle,Century Arms,WASR-10,7.62x39,Z9QV500100,no,not_requested',
].join('\n');

function upload(content: string, name: string, mode: 'import' | 'check' = 'import'): FormData {
  const form = new FormData();
  form.set('file', new Blob([content], { type: 'text/csv' }), name);
  form.set('mode', mode);
  return form;
}

async function total(c: HttpClient, qs: string, lang = 'es'): Promise<string> {
  const html = await (await c.get(`/${lang}/seizures${qs}`)).text();
  return /data-testid="seizure-total">([^<]+)</.exec(html)?.[1] ?? '';
}

describe('seizure import through the upload page', () => {
  beforeAll(async () => {
    // FGR and SEDENA records: an admin writes any agency's (an SSPC editor only SSPC's).
    const admin = await as('admin@demo.test');
    const res = await admin.postMultipart('/es/seizures/import?_action=importSeizures', upload(GOOD, 'prueba.csv'));
    const html = await res.text();
    expect(html, html.slice(0, 2000)).toContain('Importación completa: 2 aseguramientos nuevos');
  });

  it('refuses members and answers 404 for the page', async () => {
    const member = await as('agent.atf@demo.test');
    expect((await member.get('/en/seizures/import')).status).toBe(404);
    const res = await member.postMultipart('/en/seizures?_action=importSeizures', upload(GOOD, 'x.csv'));
    expect(res.status).toBe(403);
  });

  it('imports the same file twice without changing anything', async () => {
    const admin = await as('admin@demo.test');
    const html = await (await admin.postMultipart('/en/seizures/import?_action=importSeizures', upload(GOOD, 'again.csv'))).text();
    expect(html).toContain('0 new seizures, 0 updated, 2 unchanged');
  });

  it('reports every bad row with row and column, translated, and imports nothing', async () => {
    const editor = await as('editor.sspc@demo.test');
    const bad = [
      HEADER,
      'IT-BAD-1,2026-02-30,Michoacán,FGR,X/1,Resumen,,members,rifle,Colt,AR-15,5.56x45,,no,not_requested',
      'IT-BAD-2,2026-02-01,Atlantis,FGR,X/2,Resumen,,members,rifle,Colt,AR-15,5.56x45,AB1,no,not_requested',
    ].join('\n');
    const es = await editor.postMultipart('/es/seizures/import?_action=importSeizures', upload(bad, 'malo.csv'));
    expect(es.status).toBe(400);
    const html = await es.text();
    expect(html).toContain('No se importó nada');
    expect(html).toMatch(/<td>2<\/td>\s*<td><code>date<\/code><\/td>\s*<td>Fecha no válida: «2026-02-30»/);
    expect(html).toContain('Falta el número de serie');
    expect(html).toContain('Estado o departamento desconocido: «Atlantis»');
    expect(html).toContain('download="errores-import.csv"');
    const en = await (await editor.postMultipart('/en/seizures/import?_action=importSeizures', upload(bad, 'bad.csv'))).text();
    expect(en).toContain('Nothing was imported');
    const admin = await as('admin@demo.test');
    expect(await total(admin, '?q=IT-BAD')).toMatch(/^0 /);
  });

  it('checks a file without importing it, and serves the templates in both languages', async () => {
    const editor = await as('editor.sspc@demo.test');
    const admin = await as('admin@demo.test');
    const other = GOOD.replaceAll('IT-', 'CHK-').replaceAll('Z9Q', 'K8Q');
    const html = await (
      await admin.postMultipart('/en/seizures/import?_action=importSeizures', upload(other, 'check.csv', 'check'))
    ).text();
    expect(html).toContain('The file is valid: 3 rows, 2 seizures.');
    expect(await total(admin, '?q=K8QW778812')).toMatch(/^0 /);
    const es = await (await editor.get('/es/seizures/template.csv?lang=es')).text();
    expect(es.split('\n')[0]).toContain('referencia');
    const en = await (await editor.get('/es/seizures/template.csv?lang=en')).text();
    expect(en.split('\n')[0]).toContain('reference');
  });
});

describe("an editor writes only their own agency's seizures", () => {
  it("refuses, per row, an SSPC editor overwriting a hidden FGR seizure or creating one in FGR's name, and reveals nothing", async () => {
    const fgr = await as('analyst.fgr@demo.test');
    const list = await (await fgr.get('/es/seizures?q=Z9QW7788')).text();
    const hiddenId = /href="\/es\/seizures\/(\d+)[?"]/.exec(list)![1]!;
    const editor = await as('editor.sspc@demo.test');
    const attack = [
      HEADER,
      // The natural key of the FGR-only seizure, its visibility widened and its summary replaced.
      'IT-FGR-0001,2026-03-14,Michoacán,FGR,FED/MIC/IT/0001/2026,Resumen reemplazado,Replaced,members,rifle,Barrett,M82A1,.50 BMG,Z9QW778812,no,traced_us_retail',
      'IT-FGR-0099,2026-03-15,Michoacán,FGR,FED/MIC/IT/0099/2026,Registro a nombre de FGR,In FGR name,members,pistol,Glock,19,9mm,Z9QX000001,no,not_requested',
    ].join('\n');
    for (const mode of ['import', 'check'] as const) {
      const res = await editor.postMultipart('/es/seizures/import?_action=importSeizures', upload(attack, 'ataque.csv', mode));
      expect(res.status).toBe(400);
      const html = await res.text();
      const refusal = 'No puede escribir registros de la agencia «FGR»: cada editor importa solo los aseguramientos de su propia agencia.';
      expect(html).toMatch(new RegExp(`<td>2</td>\\s*<td><code>agency</code></td>\\s*<td>${refusal}`));
      expect(html).toMatch(new RegExp(`<td>3</td>\\s*<td><code>agency</code></td>\\s*<td>${refusal}`));
      expect(html).not.toContain(`/seizures/${hiddenId}"`);
    }
    // The JSON form of the action says the same and carries no id.
    const json = await editor.postMultipart('/_actions/importSeizures', upload(attack, 'ataque.json.csv'));
    const body = await json.text();
    expect(body).toContain('import.error.agency_not_allowed');
    expect(body).not.toMatch(new RegExp(`\\b${hiddenId}\\b`));
    // Unchanged for FGR; still invisible to ATF; nothing created in FGR's name.
    const detail = await (await fgr.get(`/es/seizures/${hiddenId}`)).text();
    expect(detail).toContain('Aseguramiento de prueba en Uruapan');
    const atf = await as('agent.atf@demo.test');
    expect(await total(atf, '?q=Z9QW7788', 'en')).toBe('0 seizures');
    const admin = await as('admin@demo.test');
    expect(await total(admin, '?q=Z9QX000001')).toMatch(/^0 /);
    const audit = await (await admin.get('/en/admin/audit?action=seizures.import&outcome=denied&user=editor.sspc')).text();
    expect(audit).toContain('ataque.csv');
  });

  it('lets the SSPC editor import SSPC records, answering with counts only', async () => {
    const editor = await as('editor.sspc@demo.test');
    const own = [
      HEADER,
      'IT-SSPC-0001,2026-03-20,Sonora,SSPC,SSPC/SON/IT/0001/2026,Aseguramiento de la Guardia en Nogales,Seizure by SSPC in Nogales,agency:SSPC,rifle,Colt,AR-15,5.56x45,Z9QS000001,no,not_requested',
    ].join('\n');
    const res = await editor.postMultipart('/_actions/importSeizures', upload(own, 'sspc.csv'));
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('"inserted"');
    expect(body).not.toContain('changedIds');
  });
});

describe('access to a seizure restricted to FGR', () => {
  it('is found by FGR (serial prefix, unaccented state) and by an admin', async () => {
    const fgr = await as('analyst.fgr@demo.test');
    expect(await total(fgr, '?q=Z9QW7788')).toBe('1 aseguramiento');
    const html = await (await fgr.get('/es/seizures?q=Z9QW7788')).text();
    const id = /href="\/es\/seizures\/(\d+)[?"]/.exec(html)?.[1];
    expect(id).toBeDefined();
    expect((await fgr.get(`/es/seizures/${id}`)).status).toBe(200);
    expect(await total(fgr, '?q=uruapan%20michoacan&agency=FGR')).not.toMatch(/^0 /);
    const admin = await as('admin@demo.test');
    expect(await total(admin, '?q=Z9QW7788')).toBe('1 aseguramiento');
  });

  it('is absent for ATF from results, facet counts, totals, dashboard, export and its detail URL', async () => {
    const fgr = await as('analyst.fgr@demo.test');
    const fgrHtml = await (await fgr.get('/en/seizures?q=Z9Q')).text();
    const id = /href="\/en\/seizures\/(\d+)[?"]/.exec(fgrHtml)![1]!;
    const atf = await as('agent.atf@demo.test');
    expect(await total(atf, '?q=Z9QW7788', 'en')).toBe('0 seizures');
    // Facets for the prefix: FGR sees the FGR agency bucket, ATF must not.
    expect(fgrHtml).toMatch(/name="agency" value="FGR"/);
    const atfHtml = await (await atf.get('/en/seizures?q=Z9Q')).text();
    expect(atfHtml).not.toMatch(/name="agency" value="FGR"/);
    expect(atfHtml).toMatch(/name="agency" value="SEDENA"/);
    expect((await atf.get(`/en/seizures/${id}`)).status).toBe(404);
    const fgrDash = await (await fgr.get('/en/seizures/dashboard?q=Z9Q')).text();
    const atfDash = await (await atf.get('/en/seizures/dashboard?q=Z9Q')).text();
    expect(/data-testid="dashboard-totals">([^<]+)</.exec(fgrDash)?.[1]).toBe('2 seizures, 3 firearms');
    expect(/data-testid="dashboard-totals">([^<]+)</.exec(atfDash)?.[1]).toBe('1 seizure, 1 firearm');
    const fgrCsv = await (await fgr.get('/en/seizures/export.csv?q=Z9Q')).text();
    const atfCsv = await (await atf.get('/en/seizures/export.csv?q=Z9Q')).text();
    expect(fgrCsv).toContain('Z9QW778812');
    expect(atfCsv).not.toContain('Z9QW778812');
    expect(atfCsv).toContain('Z9QV500100');
    const sedena = await as('analyst.sedena@demo.test');
    expect(await total(sedena, '?q=Z9QW7788')).toMatch(/^0 /);
  });

  it('writes exports to the audit log', async () => {
    const admin = await as('admin@demo.test');
    const audit = await (await admin.get('/es/admin/audit?action=seizures.export')).text();
    expect(audit).toContain('analyst.fgr@demo.test');
    expect(audit).toContain('agent.atf@demo.test');
  });
});

describe('search page', () => {
  it('folds accents, keeps the whole query in the URL and paginates', async () => {
    const fgr = await as('analyst.fgr@demo.test');
    const unaccented = await total(fgr, '?q=michoacan');
    const accented = await total(fgr, '?q=Michoac%C3%A1n');
    expect(unaccented).toBe(accented);
    expect(unaccented).not.toMatch(/^0 /);
    const page2 = await (await fgr.get('/es/seizures?q=michoacan&sort=date_desc&page=2')).text();
    expect(page2).toContain('Página 2 de');
    expect(page2).toMatch(/<option value="date_desc" selected>/);
    const ranked = await (await fgr.get('/es/seizures?q=michoacan')).text();
    expect(ranked).toMatch(/<option value(="")? selected>Relevancia<\/option>/);
    expect(page2).toMatch(/<mark>Michoac[aá]n<\/mark>/);
    const filtered = await (await fgr.get('/en/seizures?country=MX&type=rifle&from=2024-01-01&to=2024-12-31')).text();
    expect(filtered).toMatch(/name="type" value="rifle" checked/);
    // Dates show as the page's language writes them; the address keeps YYYY-MM-DD.
    expect(filtered).toContain('value="01/01/2024"');
  });

  it('links a seizure to a new information request', async () => {
    const fgr = await as('analyst.fgr@demo.test');
    const list = await (await fgr.get('/en/seizures?q=Z9QW7788')).text();
    const id = /href="\/en\/seizures\/(\d+)[?"]/.exec(list)![1]!;
    const detail = await (await fgr.get(`/en/seizures/${id}`)).text();
    expect(detail).toContain(`href="/en/requests/new?seizure=${id}"`);
    expect(detail).toContain('Z9QW778812');
    expect(detail).toContain('Traced to US retail');
  });
});
