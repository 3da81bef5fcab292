/**
 * The document exchange in Chromium: an ATF agent sends FGR a request with a trace result PDF,
 * the FGR analyst downloads it (the bytes match) and uploads a second version of a spreadsheet
 * ATF shared; ATF sees FGR in both download logs; SEDENA gets 404 on every URL. Then axe on every
 * document page in both languages, at desktop width and at 390 px.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, launchBrowser, signInThroughForm } from '#tests/helpers/browser.ts';
import { makePdf, makeXlsx } from '#db/seed/document-files.ts';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
let browser: Browser;

async function sql(query: string, args: (string | number)[] = []) {
  const db = createClient({ url: inject('databaseUrl') });
  try {
    return (await db.execute({ sql: query, args })).rows;
  } finally {
    db.close();
  }
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function newPage(locale = 'es-MX', width = 1280): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width, height: 900 }, acceptDownloads: true });
  return context.newPage();
}

/** Clicks a download link and returns the bytes the browser saved. */
async function downloadBytes(page: Page, selector: string): Promise<{ bytes: Buffer; name: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const path = await download.path();
  return { bytes: readFileSync(path), name: download.suggestedFilename() };
}

/** Submits an upload form and waits for the page it leads to; a refusal fails with the words the user read. */
async function submitUpload(page: Page, button: string, to: RegExp): Promise<void> {
  const refused = page
    .locator('[data-testid=form-error]')
    .first()
    .waitFor({ timeout: 60_000 })
    .then(async () => {
      throw new Error(`the upload was refused: ${await page.locator('[data-testid=form-error]').first().innerText()}`);
    });
  refused.catch(() => undefined);
  await Promise.race([page.waitForURL(to, { timeout: 60_000 }), page.click(button).then(() => refused)]);
  await page.waitForURL(to);
}

describe('documents exchanged between ATF and FGR', () => {
  it('carries a trace PDF on a request and a second version of a spreadsheet; the owner sees who downloaded; SEDENA sees nothing', async () => {
    const stamp = Date.now().toString(36);
    const tracePdf = makePdf([`ATF trace result ${stamp}`, 'Colt AR-15, serial LW998877', 'First retail purchase: Houston, Texas']);
    const sheetV1 = makeXlsx([
      ['Serial', 'Model', 'Seized in'],
      ['LW998877', 'AR-15', 'Reynosa'],
    ]);
    const sheetV2 = makeXlsx([
      ['Serial', 'Model', 'Seized in'],
      ['LW998877', 'AR-15', 'Reynosa'],
      ['LW998878', 'AR-15', 'Matamoros'],
    ]);

    // 1. The ATF agent sends FGR a request with the trace result attached (English, with JavaScript: progress bars).
    const atf = await newPage('en-US');
    await signInThroughForm(atf, baseUrl, 'agent.atf@demo.test', password, 'en');
    await atf.goto(`${baseUrl}/en/requests/new`);
    await atf.click('label[for=addr-FGR]');
    await atf.selectOption('#field-type', 'case_assistance');
    await atf.fill('#field-subject', `Trace results for FGR ${stamp}`);
    await atf.fill('#field-body', 'The trace result of the rifle seized in Reynosa is attached.');
    await atf.click('label[for=handling-H1]');
    await atf.setInputFiles('#field-attachments', { name: 'Trace result LW998877.pdf', mimeType: 'application/pdf', buffer: tracePdf });
    expect(await atf.locator('[data-file-list] li').innerText()).toContain('Trace result LW998877.pdf');
    await submitUpload(atf, '[data-testid=send-request]', /\/en\/requests\/\d+\?created=1$/);
    const requestPath = new URL(atf.url()).pathname;
    const requestId = Number(requestPath.split('/').pop());
    const attachments = atf.locator('[data-testid=request-attachments]');
    expect(await attachments.innerText()).toContain('Trace result LW998877.pdf');
    const [pdfDoc] = await sql("SELECT id FROM documents WHERE origin = 'request' AND origin_id = ?", [requestId]);
    const pdfId = Number(pdfDoc?.id);
    expect(pdfId).toBeGreaterThan(0);

    // 2. ATF shares a spreadsheet with FGR in the library, open to new versions from FGR.
    await atf.goto(`${baseUrl}/en/documents/new`);
    await atf.setInputFiles('#field-files', {
      name: 'Serials Reynosa.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: sheetV1,
    });
    await atf.fill('#field-titleEn', `Serials seized in Reynosa ${stamp}`);
    await atf.selectOption('#field-documentType', 'seizure_list');
    await atf.selectOption('#field-language', 'en');
    await atf.click('label[for=handling-H1]');
    await atf.click('label[for=scope-agencies]');
    await atf.click('label[for=scope-agency-FGR]');
    await atf.click('label[for=policy-shared]');
    await submitUpload(atf, '[data-testid=upload-submit]', /\/en\/documents\/\d+\?uploaded=1$/);
    const sheetId = Number(/\/documents\/(\d+)/.exec(atf.url())?.[1]);
    expect(await atf.locator('[data-testid=document-title]').innerText()).toBe(`Serials seized in Reynosa ${stamp}`);
    expect(await atf.locator('[data-testid=document-scope]').innerText()).toContain('FGR');

    // 3. The FGR analyst opens the request, downloads the attachment: the same bytes.
    const fgr = await newPage();
    await signInThroughForm(fgr, baseUrl, 'analyst.fgr@demo.test', password);
    await fgr.goto(`${baseUrl}/es${requestPath.replace(/^\/en/, '')}`);
    expect(await fgr.locator('[data-testid=request-attachments]').innerText()).toContain('Trace result LW998877.pdf');
    const pdf = await downloadBytes(fgr, `[data-testid=attachment-${pdfId}]`);
    expect(pdf.name).toBe('Trace result LW998877.pdf');
    expect(sha(pdf.bytes)).toBe(sha(tracePdf));

    // 4. FGR finds the spreadsheet shared with them, downloads it and uploads a second version.
    await fgr.goto(`${baseUrl}/es/documents?tab=shared`);
    await Promise.all([
      fgr.waitForURL(`${baseUrl}/es/documents/${sheetId}`),
      fgr.click(`a:has-text("Serials seized in Reynosa ${stamp}")`),
    ]);
    expect(sha((await downloadBytes(fgr, '[data-testid=download-current]')).bytes)).toBe(sha(sheetV1));
    await fgr.click('[data-testid=new-version-link]');
    await fgr.setInputFiles('#field-file', {
      name: 'Serials Reynosa v2.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: sheetV2,
    });
    await fgr.fill('#field-note', 'Se agrega el fusil asegurado en Matamoros.');
    await submitUpload(fgr, '[data-testid=version-submit]', new RegExp(`/es/documents/${sheetId}(\\?|$)`));
    const versions = await fgr.locator('[data-testid=versions] tbody').innerText();
    expect(versions).toContain('Serials Reynosa v2.xlsx');
    expect(versions).toContain('Se agrega el fusil asegurado en Matamoros.');
    expect(versions).toContain('Lucía Ramírez Ochoa (FGR)');
    expect(await fgr.locator('[data-testid=versions] tbody tr').count()).toBe(2);
    // Both versions stay downloadable.
    expect(sha((await downloadBytes(fgr, '[data-testid=download-v1]')).bytes)).toBe(sha(sheetV1));
    expect(sha((await downloadBytes(fgr, '[data-testid=download-v2]')).bytes)).toBe(sha(sheetV2));
    // FGR is not the owner: no download log for them.
    expect(await fgr.locator('[data-testid=download-log]').count()).toBe(0);

    // 5. The ATF owner sees FGR in the download logs and the second version.
    await atf.goto(`${baseUrl}/en/documents/${pdfId}`);
    expect(await atf.locator('[data-testid=download-log]').innerText()).toContain('Lucía Ramírez Ochoa (FGR)');
    await atf.goto(`${baseUrl}/en/documents/${sheetId}`);
    const log = await atf.locator('[data-testid=download-log] tbody').innerText();
    expect(log).toContain('Lucía Ramírez Ochoa (FGR)');
    expect(await atf.locator('[data-testid=versions] tbody tr').count()).toBe(2);
    expect(sha((await downloadBytes(atf, '[data-testid=download-current]')).bytes)).toBe(sha(sheetV2));

    // 6. SEDENA: 404 on every URL of both documents and on the request, and nothing in the library.
    const sedena = await newPage();
    await signInThroughForm(sedena, baseUrl, 'analyst.sedena@demo.test', password);
    for (const path of [
      `/es/documents/${pdfId}`,
      `/es/documents/${sheetId}`,
      `/en/documents/${sheetId}/version`,
      `/es${requestPath.replace(/^\/en/, '')}`,
    ]) {
      const res = await sedena.goto(`${baseUrl}${path}`);
      expect(res?.status(), path).toBe(404);
      expect(await sedena.locator('h1').innerText()).toBe(path.startsWith('/en/') ? 'Page not found' : 'Página no encontrada');
    }
    for (const path of [`/es/documents/${pdfId}/download`, `/es/documents/${sheetId}/download?version=2`]) {
      const res = await sedena.request.get(`${baseUrl}${path}`);
      expect(res.status(), path).toBe(404);
      expect(await res.text()).not.toContain('LW998877');
    }
    for (const tab of ['shared', 'agency', 'mine']) {
      await sedena.goto(`${baseUrl}/es/documents?tab=${tab}&q=${stamp}`);
      expect(await sedena.locator('main').innerText(), tab).not.toContain(stamp);
    }
    for (const p of [atf, fgr, sedena]) await p.context().close();
  });
});

describe('accessibility of the document pages', () => {
  for (const lang of ['es', 'en'] as const) {
    for (const width of [1280, 390]) {
      it(`finds no axe violations in ${lang} at ${width} px`, async () => {
        const [sheet] = await sql("SELECT id FROM documents WHERE title_es = 'Aseguramientos del tercer trimestre 2026'");
        const [photo] = await sql("SELECT id FROM documents WHERE type = 'photo' AND origin = 'library' ORDER BY id LIMIT 1");
        const [request] = await sql("SELECT origin_id AS id FROM documents WHERE origin = 'request' ORDER BY id LIMIT 1");
        expect(Number(sheet?.id)).toBeGreaterThan(0);
        // The FGR analyst owns the spreadsheet (versions, download log, edit) and sees the photo shared with Mexico.
        const page = await newPage(lang === 'es' ? 'es-MX' : 'en-US', width);
        await signInThroughForm(page, baseUrl, 'analyst.fgr@demo.test', password, lang);
        const problems: string[] = [];
        const visit = async (path: string) => {
          const res = await page.goto(`${baseUrl}/${lang}${path}`);
          expect(res?.status(), path).toBe(200);
          for (const v of await axeViolations(page)) problems.push(`${lang} ${width}px ${path}: ${v}`);
        };
        for (const path of [
          '/documents',
          '/documents?tab=agency',
          '/documents?tab=mine',
          '/documents?tab=shared&q=aseguramientos',
          '/documents?tab=shared&type=photo&sort=title_asc',
          '/documents/deleted',
          '/documents/new',
          `/documents/${String(sheet?.id)}`,
          `/documents/${String(sheet?.id)}/version`,
          `/documents/${String(sheet?.id)}/edit`,
          `/documents/${String(photo?.id)}`,
          `/requests/${String(request?.id)}`,
          `/requests/${String(request?.id)}/print`,
        ])
          await visit(path);
        // The upload form after a refused post (the error summary and field errors).
        await page.goto(`${baseUrl}/${lang}/documents/new`);
        await page.click('[data-testid=upload-submit]');
        // The upload script shows the server's answer without leaving the page.
        await page.locator('[data-testid=form-error]').first().waitFor();
        for (const v of await axeViolations(page)) problems.push(`${lang} ${width}px /documents/new (errors): ${v}`);
        expect(problems).toEqual([]);
        await page.context().close();
      });
    }
  }
});
