/**
 * The forum in Chromium: an SSPC editor opens a thread in Spanish in "Casos conjuntos" for SSPC and
 * CBP and mentions the CBP moderator (completion); the moderator gets the notification, replies in
 * English quoting the first post, and pins the thread; the editor sees the reply as unread; FGR
 * finds the thread nowhere. The first post carries a PDF (chosen in the browser, sent by the upload
 * script): the moderator downloads the same bytes, FGR gets 404 on its page and download. With files
 * chosen, a mention that reaches nobody offers "post anyway" without a reload, in both languages.
 * axe finds nothing on every forum page in both languages, at desktop and phone width.
 */
import { createClient } from '@libsql/client';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { makePdf } from '#db/seed/document-files.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, launchBrowser, signInThroughForm } from '#tests/helpers/browser.ts';

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

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

async function newPage(locale = 'es-MX', viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ locale, viewport });
  return context.newPage();
}

async function noViolations(page: Page, label: string, problems: string[]) {
  for (const v of await axeViolations(page)) problems.push(`${label}: ${v}`);
}

const TITLE = 'Operación Cancún: armas de la red de Tepito';
let threadUrlEs = '';
const CASE_PDF = makePdf(['Cruces de vehiculos Tepito', 'Placas y fechas']);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Clicks a download link and returns the bytes the browser saved. */
async function downloadBytes(page: Page, selector: string): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return readFileSync(await download.path());
}

/** The thread-visible mention handle of a demo member. */
async function handleOf(email: string): Promise<string> {
  const [row] = await sql('SELECT h.handle FROM member_handles h JOIN users u ON u.id = h.user_id WHERE u.email = ?', [email]);
  return String(row!.handle);
}

describe('a joint case thread between SSPC and CBP', () => {
  it('is opened in Spanish with a mention, answered in English with a quote, pinned, unread for its author and invisible to FGR', async () => {
    const problems: string[] = [];

    // 1. The SSPC editor opens the thread from the category, mentioning the CBP moderator.
    const sspc = await newPage();
    await signInThroughForm(sspc, baseUrl, 'editor.sspc@demo.test', password);
    await sspc.click('.portal-nav__link:has-text("Foros")');
    await sspc.waitForURL(`${baseUrl}/es/foros`);
    await Promise.all([sspc.waitForURL(/\/es\/foros\/categoria\/casos-conjuntos$/), sspc.click('a:has-text("Casos conjuntos")')]);
    await Promise.all([sspc.waitForURL(/\/es\/foros\/nuevo\?category=casos-conjuntos$/), sspc.click('main [data-testid=new-thread]')]);
    expect(await sspc.locator('#field-categoryId option:checked').innerText()).toContain('Casos conjuntos');
    await sspc.fill('#field-title', TITLE);
    await sspc.click('label[for=aud-agencies]');
    await sspc.click('label[for=agency-CBP]');
    const text = sspc.locator('#thread-text');
    await text.fill('Compartimos el avance del caso. ');
    await text.press('End');
    await text.pressSequentially('@kev');
    const option = sspc.locator('#thread-text-mentions [role=option]');
    await expect.poll(() => option.count(), { timeout: 10_000 }).toBe(1);
    expect(await option.first().innerText()).toBe('@kevin.alvarado — Kevin Alvarado (CBP)');
    await text.press('ArrowDown');
    await text.press('Enter');
    await text.pressSequentially('¿pueden revisar los cruces de los vehículos?');
    expect(await text.inputValue()).toBe('Compartimos el avance del caso. @kevin.alvarado ¿pueden revisar los cruces de los vehículos?');
    await sspc.fill('#field-tags', 'tepito cancun');
    await sspc.click('label[for=handling-H2]');
    await sspc.setInputFiles('[data-testid=file-input-attachments]', {
      name: 'Cruces Tepito.pdf',
      mimeType: 'application/pdf',
      buffer: CASE_PDF,
    });
    await noViolations(sspc, 'es new thread', problems);
    await Promise.all([sspc.waitForURL(/\/es\/foros\/hilos\/\d+\?created=1#post-\d+$/), sspc.click('[data-testid=publish-thread]')]);
    threadUrlEs = sspc.url().replace(/\?created=1#.*$/, '');
    const threadId = Number(threadUrlEs.split('/').pop());
    expect(await sspc.locator('[data-testid=notice]').innerText()).toBe('Hilo publicado.');
    expect(await sspc.locator('[data-testid=thread-scope]').innerText()).toBe(
      'Oficina de Aduanas y Protección Fronteriza (CBP) y Secretaría de Seguridad y Protección Ciudadana (SSPC)',
    );
    expect(await sspc.locator('[data-testid=handling-code]').innerText()).toContain('H2 — No transmitir a terceros sin permiso');
    expect(await sspc.locator('.portal-mention').innerText()).toBe('@kevin.alvarado');
    const [doc] = await sql("SELECT id FROM documents WHERE origin = 'thread' AND origin_id = ?", [threadId]);
    const docId = Number(doc!.id);
    expect(await sspc.locator('[data-testid=post]').first().locator('[data-testid=post-attachments]').innerText()).toContain(
      'Cruces Tepito.pdf',
    );

    // 2. The CBP moderator is notified, replies in English quoting the first post, and pins the thread.
    const cbp = await newPage('en-US');
    await signInThroughForm(cbp, baseUrl, 'moderator.cbp@demo.test', password, 'en');
    expect(Number(await cbp.locator('[data-testid=unread-count]').innerText())).toBeGreaterThanOrEqual(1);
    await cbp.click('[data-testid=notifications-link]');
    const note = cbp.locator(`[data-testid=notifications] a:has-text("mentioned you in “${TITLE}”")`);
    expect(await note.innerText()).toBe(`Mariana Escobedo (SSPC) mentioned you in “${TITLE}”`);
    await Promise.all([cbp.waitForURL(new RegExp(`/en/forums/threads/${threadId}\\?page=1#post-\\d+$`)), note.click()]);
    expect(await cbp.locator('html').getAttribute('lang')).toBe('en');
    expect(await cbp.locator('[data-testid=thread-title]').innerText()).toBe(TITLE);
    // The first post's file: a reader of the scope downloads the same bytes; axe on a post with attachments.
    const files = cbp.locator('[data-testid=post]').first().locator('[data-testid=post-attachments]');
    expect(await files.innerText()).toContain('1 attached file');
    expect(sha(await downloadBytes(cbp, `[data-testid=attachment-${docId}]`))).toBe(sha(CASE_PDF));
    await noViolations(cbp, 'en thread with attachments', problems);
    await Promise.all([
      cbp.waitForURL(/quote=\d+#reply$/),
      cbp.locator('[data-testid=post]').first().locator('[data-testid=quote]').click(),
    ]);
    expect(await cbp.locator('[data-testid=quoting]').innerText()).toBe('Quoting Mariana Escobedo (SSPC)’s post.');
    const reply = cbp.locator('#reply-text');
    expect(await reply.inputValue()).toContain('> **Mariana Escobedo (SSPC):**\n> Compartimos el avance del caso.');
    await reply.press('Control+End');
    await reply.pressSequentially('We will pull the crossing records for the vehicles this week.');
    expect(await cbp.locator('#reply-text-lang').inputValue()).toBe('en');
    await Promise.all([cbp.waitForURL(/#post-\d+$/), cbp.click('[data-testid=send-reply]')]);
    const replyId = cbp.url().split('#post-')[1];
    const posted = cbp.locator(`#post-${replyId}`);
    expect(await posted.locator('[data-testid=in-reply-to]').innerText()).toBe('In reply to Mariana Escobedo (SSPC)');
    expect(await posted.locator('[data-testid=post-body] blockquote').innerText()).toContain('Compartimos el avance del caso.');
    await cbp.click('[data-testid=pin]');
    expect(await cbp.locator('[data-testid=notice]').innerText()).toBe('Thread pinned.');
    expect(await cbp.locator('[data-testid=pinned]').textContent()).toBe('Pinned');
    expect(await cbp.locator('[data-testid=moderation-history]').innerText()).toContain('Pinned the thread');
    await noViolations(cbp, 'en thread (moderator)', problems);

    // 3. The editor sees the reply as unread and the thread opens at it.
    await sspc.goto(`${baseUrl}/es/foros/recientes?unread=1`);
    const row = sspc.locator(`[data-testid=thread-row][data-thread-id="${threadId}"]`);
    expect(await row.locator('[data-testid=new-count]').textContent()).toContain('1 nuevo');
    await Promise.all([
      sspc.waitForURL(new RegExp(`/es/foros/hilos/${threadId}\\?page=1#post-${replyId}$`)),
      row.locator('a').first().click(),
    ]);
    expect(await sspc.locator('[data-testid=first-unread]').innerText()).toBe('Primer mensaje sin leer');
    expect(await sspc.locator(`#post-${replyId} [data-testid=post-new]`).textContent()).toBe('Nuevo');
    expect(await sspc.locator(`#post-${replyId}`).getAttribute('data-author')).toBe('Kevin Alvarado (CBP)');
    expect(await sspc.locator(`#post-${replyId} [data-testid=post-body]`).getAttribute('lang')).toBe('en');
    expect(await sspc.locator('[data-testid=pinned]').textContent()).toBe('Fijado');
    // Read now: the unread filter no longer lists it.
    await sspc.goto(`${baseUrl}/es/foros/recientes?unread=1`);
    expect(await sspc.locator(`[data-testid=thread-row][data-thread-id="${threadId}"]`).count()).toBe(0);

    // 4. FGR finds the thread nowhere.
    const fgr = await newPage();
    await signInThroughForm(fgr, baseUrl, 'analyst.fgr@demo.test', password);
    for (const path of ['/es/foros', '/es/foros/recientes', '/es/foros/categoria/casos-conjuntos', '/es/notifications'])
      expect(await fgr.goto(`${baseUrl}${path}`).then(() => fgr.locator('main').innerText()), path).not.toContain('Tepito');
    await fgr.goto(`${baseUrl}/es/foros/buscar?q=Tepito`);
    expect(await fgr.locator('[data-testid=search-count]').innerText()).toBe('0 mensajes encontrados');
    expect(await fgr.locator('[data-testid=search-hit]').count()).toBe(0);
    for (const path of [`/es/documents/${docId}`, `/es/documents/${docId}/download`]) {
      const res = await fgr.request.get(`${baseUrl}${path}`);
      expect(res.status(), path).toBe(404);
      expect(await res.text(), path).not.toContain('Tepito');
    }
    await fgr.goto(`${baseUrl}/es/documents?q=Tepito`);
    expect(await fgr.locator('[data-testid=document-count]').innerText()).toBe('0 documentos');
    const direct = await fgr.goto(`${baseUrl}/es/foros/hilos/${threadId}`);
    expect(direct?.status()).toBe(404);
    expect(await fgr.locator('h1').innerText()).toBe('Página no encontrada');

    expect(problems).toEqual([]);
  });

  it('quotes a selection with JavaScript and keeps the reader’s place', async () => {
    expect(threadUrlEs).not.toBe('');
    const sspc = await newPage();
    await signInThroughForm(sspc, baseUrl, 'editor.sspc@demo.test', password);
    await sspc.goto(`${threadUrlEs}?page=1`);
    const body = sspc.locator('[data-testid=post]').last().locator('[data-testid=post-body]');
    await body.evaluate((el) => {
      const range = document.createRange();
      const textNode = el.querySelector(':scope > p:last-child')!.firstChild!;
      range.setStart(textNode, 0);
      range.setEnd(textNode, 'We will pull the crossing records'.length);
      const selection = window.getSelection()!;
      selection.removeAllRanges();
      selection.addRange(range);
    });
    await sspc.locator('[data-testid=post]').last().locator('[data-quote-selection]').click();
    expect(await sspc.locator('#reply-text').inputValue()).toBe('> **Kevin Alvarado (CBP):**\n> We will pull the crossing records\n\n');
    expect(await sspc.locator('input[name=quoted]').inputValue()).toBe(
      await sspc.locator('[data-testid=post]').last().getAttribute('data-post-id'),
    );
  });
});

describe('“post anyway” with files chosen (JavaScript)', () => {
  it('offers the box after a mention that reaches nobody, without a reload, in English (new thread) and Spanish (reply)', async () => {
    const fgrHandle = await handleOf('analyst.fgr@demo.test');
    const problems: string[] = [];

    // English: the CBP moderator opens a thread for CBP and SSPC with a file, mentioning FGR (who cannot see it).
    const cbp = await newPage('en-US');
    await signInThroughForm(cbp, baseUrl, 'moderator.cbp@demo.test', password, 'en');
    await cbp.goto(`${baseUrl}/en/forums/new?category=casos-conjuntos`);
    await cbp.fill('#field-title', 'Crossing records for CBP and SSPC');
    await cbp.click('label[for=aud-agencies]');
    await cbp.click('label[for=agency-SSPC]');
    await cbp.locator('#thread-text').fill(`@${fgrHandle} the plates are attached.`);
    await cbp.setInputFiles('[data-testid=file-input-attachments]', { name: 'Plates.pdf', mimeType: 'application/pdf', buffer: CASE_PDF });
    expect(await cbp.locator('[data-testid=confirm-mentions]').count()).toBe(0);
    const newUrl = cbp.url();
    await cbp.click('[data-testid=publish-thread]');
    await cbp.locator('[data-testid=form-error]').waitFor();
    expect(await cbp.locator('[data-testid=form-error]').innerText()).toContain(
      `These mentions will notify nobody, because no member by that name can see this thread: @${fgrHandle}.`,
    );
    expect(cbp.url()).toBe(newUrl);
    const enBox = cbp.locator('[data-testid=confirm-mentions]');
    expect(await enBox.innerText()).toBe('Post anyway (those mentions will notify nobody)');
    await noViolations(cbp, 'en new thread refused for a mention', problems);
    await enBox.click();
    await Promise.all([cbp.waitForURL(/\/en\/forums\/threads\/\d+\?created=1#post-\d+$/), cbp.click('[data-testid=publish-thread]')]);
    expect(await cbp.locator('[data-testid=post-attachments]').innerText()).toContain('Plates.pdf');
    const threadId = Number(/\/threads\/(\d+)/.exec(cbp.url())![1]);

    // Spanish: the SSPC editor replies on that thread with a file, mentioning FGR again.
    const sspc = await newPage();
    await signInThroughForm(sspc, baseUrl, 'editor.sspc@demo.test', password);
    // The plain thread address, as from a list: the post's address then differs only by its #post-N.
    await sspc.goto(`${baseUrl}/es/foros/hilos/${threadId}`);
    await sspc.locator('#reply-text').fill(`@${fgrHandle} va la lista de placas.`);
    await sspc.setInputFiles('[data-testid=file-input-attachments]', { name: 'Placas.pdf', mimeType: 'application/pdf', buffer: CASE_PDF });
    expect(await sspc.locator('[data-testid=confirm-mentions]').count()).toBe(0);
    const url = sspc.url();
    await sspc.click('[data-testid=send-reply]');
    const summary = sspc.locator('[data-testid=form-error]');
    await summary.waitFor();
    expect(await summary.innerText()).toContain(
      `Estas menciones no avisarán a nadie, porque ningún miembro con ese nombre puede ver este hilo: @${fgrHandle}.`,
    );
    expect(sspc.url()).toBe(url);
    const box = sspc.locator('[data-testid=confirm-mentions]');
    expect(await box.innerText()).toBe('Publicar de todos modos (esas menciones no avisarán a nadie)');
    await noViolations(sspc, 'es reply refused for a mention', problems);
    await box.click();
    await Promise.all([sspc.waitForURL(/#post-\d+$/), sspc.click('[data-testid=send-reply]')]);
    const replyId = sspc.url().split('#post-')[1];
    // The page is loaded again with the new post, not only scrolled (a same-page #post-N alone would not reload).
    await sspc.locator(`#post-${replyId}`).waitFor();
    expect(await sspc.locator(`#post-${replyId} [data-testid=post-attachments]`).innerText()).toContain('Placas.pdf');
    expect(await sspc.locator('[data-testid=send-reply]').innerText()).not.toContain('Subiendo');
    expect(problems).toEqual([]);
  });
});

describe('accessibility of the forum pages', () => {
  const pages = async () => {
    const [t] = await sql("SELECT id FROM threads WHERE title LIKE 'Rastreo de fusiles AK%'");
    const [p] = await sql('SELECT id FROM thread_posts WHERE thread_id = ? AND seq = 2', [Number(t!.id)]);
    const id = Number(t!.id);
    const post = Number(p!.id);
    return {
      es: [
        '/es/foros',
        '/es/foros/recientes',
        '/es/foros/recientes?unread=1',
        '/es/foros/categoria/rastreo',
        `/es/foros/hilos/${id}?page=1`,
        '/es/foros/nuevo',
        '/es/foros/buscar?q=rastreo',
        `/es/foros/hilos/${id}/mover?categoryId=1`,
        '/es/foros/moderacion',
      ],
      en: [
        '/en/forums',
        '/en/forums/latest?mine=1',
        '/en/forums/category/general',
        `/en/forums/threads/${id}?page=1`,
        '/en/forums/new',
        '/en/forums/search?q=trace',
        '/en/forums/moderation',
      ],
      author: { es: `/es/foros/mensajes/${post}/editar`, en: `/en/forums/posts/${post}/revisions` },
    };
  };

  for (const [label, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(`finds no violations at ${label} width in both languages`, async () => {
      const problems: string[] = [];
      const list = await pages();
      // The CBP moderator sees every tool (moderation queue, move page); the ATF agent edits their own post.
      for (const lang of ['es', 'en'] as const) {
        const cbp = await newPage(lang === 'es' ? 'es-MX' : 'en-US', viewport);
        await signInThroughForm(cbp, baseUrl, 'moderator.cbp@demo.test', password, lang);
        for (const path of list[lang]) {
          const res = await cbp.goto(`${baseUrl}${path}`);
          expect(res?.status(), path).toBe(200);
          await noViolations(cbp, `${label} ${path}`, problems);
        }
        // Open every disclosure of a post (report, hide) so their forms are checked too.
        await cbp.goto(`${baseUrl}${list[lang][lang === 'es' ? 4 : 3]}`);
        await cbp.locator('details.portal-post__more summary').first().click();
        await noViolations(cbp, `${label} ${lang} thread with an open form`, problems);
        const atf = await newPage(lang === 'es' ? 'es-MX' : 'en-US', viewport);
        await signInThroughForm(atf, baseUrl, 'agent.atf@demo.test', password, lang);
        if (lang === 'en') {
          // ATF wrote post 2 of the demo thread: edit it once so its versions page exists.
          await atf.goto(`${baseUrl}${list.author.en.replace('/revisions', '/edit')}`);
          await atf.locator('#edit-text').fill('Both traces came back to a Texas retailer (edited).');
          await Promise.all([atf.waitForURL(/#post-\d+$/), atf.click('[data-testid=save-edit]')]);
        }
        const res = await atf.goto(`${baseUrl}${list.author[lang]}`);
        expect(res?.status(), list.author[lang]).toBe(200);
        await noViolations(atf, `${label} ${list.author[lang]}`, problems);
        await cbp.context().close();
        await atf.context().close();
      }
      expect(problems).toEqual([]);
    });
  }
});
