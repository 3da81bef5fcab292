/**
 * Files attached to forum posts over HTTP on the built server: a new thread and a reply carry
 * files (multipart, no JavaScript), the documents take the thread's scope and handling code, the
 * thread page lists them in both languages, a member of an agency in scope downloads them, an agency
 * out of scope gets 404 (audited) on the document and its download, a forged upload to a thread the
 * member may not see stores nothing, a refused file changes nothing, and a deleted post's files
 * disappear for members.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { sha256Hex as sha, signedIn, sql, storedObjects, tempFiles } from '#tests/helpers/portal-http.ts';
import { HttpClient } from '#tests/helpers/http.ts';
import { makeExe, makePdf, makeXlsx } from '#db/seed/document-files.ts';

// This file's own server (tests/helpers/file-server.ts starts one for a file that calls inject); the helpers default to it.
inject('baseUrl');

function multipart(fields: Record<string, string | string[]>, files: { name: string; bytes: Buffer; type?: string }[]): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) fd.append(k, one);
  for (const f of files)
    fd.append('attachments', new Blob([new Uint8Array(f.bytes)], { type: f.type ?? 'application/octet-stream' }), f.name);
  return fd;
}

const threadDocs = async (threadId: number) =>
  (
    await sql(
      `SELECT d.id, d.origin_item_id, d.handling_code, d.scope_kind, ss.tokens, v.file_name FROM documents d
       JOIN scope_sets ss ON ss.id = d.scope_set_id JOIN document_versions v ON v.document_id = d.id AND v.number = d.current_version
       WHERE d.origin = 'thread' AND d.origin_id = ? ORDER BY d.id`,
      [threadId],
    )
  ).map((d) => ({
    id: Number(d.id),
    itemId: Number(d.origin_item_id),
    handlingCode: String(d.handling_code),
    scopeKind: String(d.scope_kind),
    tokens: String(d.tokens),
    fileName: String(d.file_name),
  }));
const count = async (table: string) => Number((await sql(`SELECT count(*) AS n FROM ${table}`))[0]?.n);

describe('files attached to forum posts over HTTP', () => {
  let hsi: HttpClient;
  let fgr: HttpClient;
  let sedena: HttpClient;
  let threadId: number;
  let firstPostId: number;
  let replyId: number;
  const tracePdf = makePdf(['Resultado de rastreo HSI', 'Serie adjuntolw5566']);
  const listXlsx = makeXlsx([['serie'], ['LW5566']]);

  beforeAll(async () => {
    hsi = await signedIn('agent.hsi@demo.test', 'en');
    fgr = await signedIn('analyst.fgr@demo.test', 'es');
    sedena = await signedIn('analyst.sedena@demo.test', 'es');
    const [category] = await sql("SELECT id FROM thread_categories WHERE slug = 'general'");
    const created = await hsi.postMultipart(
      '/en/forums/new',
      multipart(
        {
          categoryId: String(category!.id),
          title: 'Trace results for FGR with attachment',
          postBody: 'The trace result is attached.',
          lang: 'en',
          tags: '',
          handlingCode: 'H2',
          handlingNote: '',
          audience: 'agencies',
          agencies: ['FGR'],
        },
        [{ name: 'HSI trace LW5566.pdf', bytes: tracePdf, type: 'application/pdf' }],
      ),
    );
    expect(created.status, await created.clone().text()).toBe(303);
    const m = /\/en\/forums\/threads\/(\d+)\?created=1#post-(\d+)$/.exec(created.headers.get('location') ?? '');
    expect(m, created.headers.get('location') ?? '').not.toBeNull();
    threadId = Number(m![1]);
    firstPostId = Number(m![2]);

    const replied = await fgr.postMultipart(
      `/es/foros/hilos/${threadId}`,
      multipart({ postBody: 'Adjunto la lista de aseguramientos y la foto.', lang: 'es' }, [
        { name: 'lista LW5566.xlsx', bytes: listXlsx },
        { name: 'segunda copia.pdf', bytes: makePdf(['Copia para el expediente']) },
      ]),
    );
    expect(replied.status, await replied.clone().text()).toBe(303);
    replyId = Number(/#post-(\d+)$/.exec(replied.headers.get('location') ?? '')?.[1]);
    expect(replyId).toBeGreaterThan(firstPostId);
  });

  it('stores each file as a document with the thread’s scope and handling code, tied to its post', async () => {
    const docs = await threadDocs(threadId);
    expect(docs.map((d) => [d.fileName, d.itemId]).sort()).toEqual([
      ['HSI trace LW5566.pdf', firstPostId],
      ['lista LW5566.xlsx', replyId],
      ['segunda copia.pdf', replyId],
    ]);
    const [thread] = await sql('SELECT ss.tokens FROM threads t JOIN scope_sets ss ON ss.id = t.scope_set_id WHERE t.id = ?', [threadId]);
    expect(String(thread!.tokens).split(' ').sort()).toEqual(['agency:FGR', 'agency:ICE-HSI']);
    for (const d of docs) {
      expect(d.tokens, d.fileName).toBe(String(thread!.tokens));
      expect(d.scopeKind).toBe('thread');
      expect(d.handlingCode).toBe('H2');
    }
  });

  it('lists the files with their post, with type, size and links, in both languages; a member in scope downloads the same bytes', async () => {
    const docs = await threadDocs(threadId);
    const pdfDoc = docs.find((d) => d.fileName === 'HSI trace LW5566.pdf');
    const xlsxDoc = docs.find((d) => d.fileName === 'lista LW5566.xlsx');
    const es = await (await fgr.get(`/es/foros/hilos/${threadId}?page=1`)).text();
    const firstPost = es.slice(es.indexOf(`id="post-${firstPostId}"`), es.indexOf(`id="post-${replyId}"`));
    expect(firstPost).toContain('1 archivo adjunto');
    expect(firstPost).toContain('HSI trace LW5566.pdf');
    expect(firstPost).toContain(`href="/es/documents/${pdfDoc!.id}/download"`);
    expect(firstPost).toContain(`href="/es/documents/${pdfDoc!.id}"`);
    expect(firstPost).toMatch(/\(PDF, [\d.,]+ (?:B|KB|bytes)\)/);
    const second = es.slice(es.indexOf(`id="post-${replyId}"`));
    expect(second).toContain('2 archivos adjuntos');
    expect(second).toContain('Archivos adjuntos del mensaje #2');
    expect(second).toContain('lista LW5566.xlsx');
    expect(second).toContain('(XLSX,');
    const en = await (await hsi.get(`/en/forums/threads/${threadId}?page=1`)).text();
    expect(en).toContain('1 attached file');
    expect(en).toContain('Files attached to post #2');
    expect(en).toContain(`href="/en/documents/${xlsxDoc!.id}/download"`);

    const download = await fgr.get(`/es/documents/${pdfDoc!.id}/download`);
    expect(download.status).toBe(200);
    expect(sha(Buffer.from(await download.arrayBuffer()))).toBe(sha(tracePdf));
    const page = await (await fgr.get(`/es/documents/${pdfDoc!.id}`)).text();
    expect(page).toContain(`href="/es/foros/hilos/${threadId}"`);
  });

  it('answers 404 to an agency out of scope on the thread, the document page and the download, and audits the download', async () => {
    const pdfDoc = (await threadDocs(threadId)).find((d) => d.fileName === 'HSI trace LW5566.pdf');
    const before = await sql(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'documents.download' AND outcome = 'denied' AND target = ?",
      [`document:${pdfDoc!.id}`],
    );
    for (const path of [`/es/foros/hilos/${threadId}`, `/es/documents/${pdfDoc!.id}`, `/es/documents/${pdfDoc!.id}/download`]) {
      const res = await sedena.get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain('HSI trace');
    }
    const after = await sql(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'documents.download' AND outcome = 'denied' AND target = ?",
      [`document:${pdfDoc!.id}`],
    );
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n) + 1);
  });

  it('refuses a forged upload to a thread the member may not see: 404, audited, nothing stored', async () => {
    const objects = storedObjects();
    const docs = await count('documents');
    const posts = await count('thread_posts');
    const res = await sedena.postMultipart(
      `/es/foros/hilos/${threadId}`,
      multipart({ postBody: 'Intento de adjuntar.', lang: 'es' }, [
        { name: 'forjado.pdf', bytes: makePdf(['forjado unico 8812']), type: 'application/pdf' },
      ]),
    );
    expect(res.status).toBe(404);
    expect(await count('documents')).toBe(docs);
    expect(await count('thread_posts')).toBe(posts);
    expect(storedObjects()).toEqual(objects);
    expect(tempFiles()).toEqual([]);
    const [denied] = await sql(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'threads.post.attach' AND outcome = 'denied' AND target = ? AND user_email = ?",
      [`thread:${threadId}`, 'analyst.sedena@demo.test'],
    );
    expect(Number(denied!.n)).toBe(1);
  });

  it('refuses a bad file by name, keeps the text, and writes neither the reply nor any file', async () => {
    const objects = storedObjects();
    const docs = await count('documents');
    const [before] = await sql('SELECT last_seq FROM threads WHERE id = ?', [threadId]);
    const res = await fgr.postMultipart(
      `/es/foros/hilos/${threadId}`,
      multipart({ postBody: 'Respuesta con un archivo malo.', lang: 'es' }, [
        { name: 'buena.xlsx', bytes: makeXlsx([['ok'], ['1']]) },
        { name: 'rastreo.pdf', bytes: makeExe() },
      ]),
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('«rastreo.pdf»: su contenido es de tipo «exe»');
    expect(html).toContain('Respuesta con un archivo malo.</textarea>');
    expect(await count('documents')).toBe(docs);
    const [after] = await sql('SELECT last_seq FROM threads WHERE id = ?', [threadId]);
    expect(after!.last_seq).toBe(before!.last_seq);
    expect(storedObjects()).toEqual(objects);
    expect(tempFiles()).toEqual([]);
  });

  it('a reply refused inside its transaction (the same text again, a mention nobody can read) leaves no stored object behind', async () => {
    const text = 'Respuesta repetida con adjunto 7731.';
    const first = await fgr.postMultipart(`/es/foros/hilos/${threadId}`, multipart({ postBody: text, lang: 'es' }, []));
    expect(first.status, await first.clone().text()).toBe(303);
    const objects = storedObjects();
    // The spreadsheet's bytes are already in the store for an earlier reply: that object must stay.
    expect(objects).toContain(sha(listXlsx));
    const docs = await count('documents');
    const fresh = makePdf(['Rechazado 7731: nunca guardado']);
    const duplicate = await fgr.postMultipart(
      `/es/foros/hilos/${threadId}`,
      multipart({ postBody: text, lang: 'es' }, [
        { name: 'nuevo 7731.pdf', bytes: fresh, type: 'application/pdf' },
        { name: 'lista LW5566.xlsx', bytes: listXlsx },
      ]),
    );
    expect(duplicate.status).toBe(400);
    expect(await duplicate.text()).toContain('Acaba de publicar este mismo texto.');
    const unseen = await fgr.postMultipart(
      `/es/foros/hilos/${threadId}`,
      multipart({ postBody: 'Consulte con @no.existe.7731 por favor.', lang: 'es' }, [
        { name: 'otro 7731.pdf', bytes: makePdf(['Rechazado 7731: mención']), type: 'application/pdf' },
      ]),
    );
    expect(unseen.status).toBe(400);
    expect(await unseen.text()).toContain('@no.existe.7731');
    expect(await count('documents')).toBe(docs);
    expect(storedObjects()).toEqual(objects);
    expect(tempFiles()).toEqual([]);
  });

  it('hides a deleted post’s files from members: not listed, document and download 404', async () => {
    const xlsxDoc = (await threadDocs(threadId)).find((d) => d.fileName === 'lista LW5566.xlsx');
    expect((await hsi.get(`/en/documents/${xlsxDoc!.id}`)).status).toBe(200);
    const deleted = await fgr.post(`/es/foros/hilos/${threadId}?_action=deletePost`, { postId: String(replyId) });
    expect([200, 303]).toContain(deleted.status);
    const [row] = await sql('SELECT deleted_at FROM thread_posts WHERE id = ?', [replyId]);
    expect(row!.deleted_at).not.toBeNull();
    const page = await (await hsi.get(`/en/forums/threads/${threadId}?page=1`)).text();
    expect(page).toContain('HSI trace LW5566.pdf');
    expect(page).not.toContain('lista LW5566.xlsx');
    expect((await hsi.get(`/en/documents/${xlsxDoc!.id}`)).status).toBe(404);
    expect((await hsi.get(`/en/documents/${xlsxDoc!.id}/download`)).status).toBe(404);
  });
});

/** What a member reads of the library: a title in the shared tab, in a word search, and the counts. */
async function libraryView(c: HttpClient, title: string, word: string) {
  const shared = await (await c.get('/es/documents?tab=shared')).text();
  const search = await (await c.get(`/es/documents?tab=shared&q=${encodeURIComponent(word)}`)).text();
  const countOf = (html: string) => /data-testid="document-count">\s*([\d,.]+) documentos?/.exec(html)?.[1];
  return {
    listed: shared.includes(title),
    sharedCount: Number(countOf(shared)?.replace(/[,.]/g, '')),
    found: search.includes(title),
    searchCount: Number(countOf(search)),
  };
}

describe('library lists, counts and search follow the thread and post a file is attached to', () => {
  let fgr: HttpClient;
  let sedena: HttpClient;
  let hsi: HttpClient;
  let cbp: HttpClient;
  let admin: HttpClient;
  let threadId: number;
  let firstPostId: number;
  let replyId: number;
  let openingDocId: number;
  let replyDocId: number;
  const openingTitle = 'Dictamen visibleqz apertura';
  const replyTitle = 'Informe visibleqz respuesta';

  beforeAll(async () => {
    fgr = await signedIn('analyst.fgr@demo.test', 'es');
    sedena = await signedIn('analyst.sedena@demo.test', 'es');
    hsi = await signedIn('agent.hsi@demo.test', 'es');
    cbp = await signedIn('moderator.cbp@demo.test', 'es');
    admin = await signedIn('admin@demo.test', 'es');
    const [category] = await sql("SELECT id FROM thread_categories WHERE slug = 'general'");
    const created = await fgr.postMultipart(
      '/es/foros/nuevo',
      multipart(
        {
          categoryId: String(category!.id),
          title: 'Hilo para todos los miembros con adjuntos',
          postBody: 'Va el dictamen.',
          lang: 'es',
          tags: '',
          handlingCode: 'H1',
          handlingNote: '',
          audience: 'category',
        },
        [{ name: `${openingTitle}.pdf`, bytes: makePdf(['Dictamen balistico visibleqz uno']), type: 'application/pdf' }],
      ),
    );
    expect(created.status, await created.clone().text()).toBe(303);
    const m = /\/es\/foros\/hilos\/(\d+)\?created=1#post-(\d+)$/.exec(created.headers.get('location') ?? '');
    threadId = Number(m![1]);
    firstPostId = Number(m![2]);
    const replied = await fgr.postMultipart(
      `/es/foros/hilos/${threadId}`,
      multipart({ postBody: 'Y el informe.', lang: 'es' }, [
        { name: `${replyTitle}.pdf`, bytes: makePdf(['Informe visibleqz dos']), type: 'application/pdf' },
      ]),
    );
    expect(replied.status, await replied.clone().text()).toBe(303);
    replyId = Number(/#post-(\d+)$/.exec(replied.headers.get('location') ?? '')?.[1]);
    const docs = await threadDocs(threadId);
    openingDocId = docs.find((d) => d.itemId === firstPostId)!.id;
    replyDocId = docs.find((d) => d.itemId === replyId)!.id;
    expect(docs.map((d) => d.tokens)).toEqual(['members', 'members']);
  });

  it('a hidden post’s file leaves a member’s list, search and counts, and comes back when the post is restored', async () => {
    const before = await libraryView(sedena, replyTitle, 'visibleqz');
    expect(before).toMatchObject({ listed: true, found: true, searchCount: 2 });
    expect((await libraryView(sedena, openingTitle, 'visibleqz')).listed).toBe(true);

    const hidden = await cbp.post(`/es/foros/hilos/${threadId}?_action=moderatePost`, {
      postId: String(replyId),
      action: 'hide_post',
      reason: 'Datos personales',
    });
    expect([200, 303]).toContain(hidden.status);
    expect((await sql('SELECT hidden_at FROM thread_posts WHERE id = ?', [replyId]))[0]!.hidden_at).not.toBeNull();

    const after = await libraryView(sedena, replyTitle, 'visibleqz');
    expect(after).toEqual({ listed: false, sharedCount: before.sharedCount - 1, found: false, searchCount: 1 });
    expect((await libraryView(sedena, openingTitle, 'visibleqz')).found).toBe(true);
    expect((await sedena.get(`/es/documents/${replyDocId}`)).status).toBe(404);
    expect((await sedena.get(`/es/documents/${replyDocId}/download`)).status).toBe(404);
    // Its owner too: a moderator hid the post, so its file is gone from "Mine" as from the page.
    const mine = await (await fgr.get('/es/documents?tab=mine&q=visibleqz')).text();
    expect(mine).toContain(openingTitle);
    expect(mine).not.toContain(replyTitle);
    // The moderator (in scope) still finds it, to judge a restore.
    expect((await libraryView(cbp, replyTitle, 'visibleqz')).found).toBe(true);

    const restored = await cbp.post(`/es/foros/hilos/${threadId}?_action=moderatePost`, {
      postId: String(replyId),
      action: 'restore_post',
    });
    expect([200, 303]).toContain(restored.status);
    expect(await libraryView(sedena, replyTitle, 'visibleqz')).toEqual(before);
    expect((await sedena.get(`/es/documents/${replyDocId}`)).status).toBe(200);
  });

  it('a hidden thread’s files leave the list, search and counts of members (not of its author), and come back on restore', async () => {
    const before = await libraryView(sedena, openingTitle, 'visibleqz');
    expect(before).toMatchObject({ listed: true, found: true, searchCount: 2 });
    const hidden = await cbp.post(`/es/foros/hilos/${threadId}?_action=moderateThread`, {
      threadId: String(threadId),
      action: 'hide_thread',
      reason: 'Fuera de tema',
    });
    expect([200, 303]).toContain(hidden.status);
    expect(await libraryView(sedena, openingTitle, 'visibleqz')).toEqual({
      listed: false,
      sharedCount: before.sharedCount - 2,
      found: false,
      searchCount: 0,
    });
    expect((await libraryView(sedena, replyTitle, 'visibleqz')).listed).toBe(false);
    expect((await sedena.get(`/es/documents/${openingDocId}`)).status).toBe(404);
    // The author still reads the hidden thread (to see why), and so its files.
    expect((await fgr.get(`/es/documents/${openingDocId}`)).status).toBe(200);
    expect(await (await fgr.get('/es/documents?tab=mine&q=visibleqz')).text()).toContain(openingTitle);

    await cbp.post(`/es/foros/hilos/${threadId}?_action=moderateThread`, { threadId: String(threadId), action: 'restore_thread' });
    expect(await libraryView(sedena, openingTitle, 'visibleqz')).toEqual(before);
  });

  it('a deleted post’s file leaves the list, search and counts of members', async () => {
    const before = await libraryView(hsi, replyTitle, 'visibleqz');
    expect(before).toMatchObject({ listed: true, found: true, searchCount: 2 });
    const deleted = await fgr.post(`/es/foros/hilos/${threadId}?_action=deletePost`, { postId: String(replyId) });
    expect([200, 303]).toContain(deleted.status);
    expect(await libraryView(hsi, replyTitle, 'visibleqz')).toEqual({
      listed: false,
      sharedCount: before.sharedCount - 1,
      found: false,
      searchCount: 1,
    });
  });

  it('a thread moved to a narrower audience takes its files along: an agency left out finds them nowhere', async () => {
    expect((await libraryView(hsi, openingTitle, 'visibleqz')).found).toBe(true);
    const [southern] = await sql("SELECT id FROM thread_categories WHERE slug = 'frontera-sur'");
    const moved = await admin.post(`/es/foros/hilos/${threadId}/mover?_action=moveThread`, {
      threadId: String(threadId),
      categoryId: String(southern!.id),
      audience: 'category',
      reason: 'Tema de la frontera sur',
    });
    expect([200, 303], await moved.clone().text()).toContain(moved.status);
    const [thread] = await sql('SELECT ss.tokens FROM threads t JOIN scope_sets ss ON ss.id = t.scope_set_id WHERE t.id = ?', [threadId]);
    expect(String(thread!.tokens)).toBe('country:BZ country:GT country:MX country:SV');
    // The files carry the thread's new scope (the document page and an external index read it there).
    expect((await threadDocs(threadId)).map((d) => d.tokens)).toEqual([String(thread!.tokens), String(thread!.tokens)]);

    const view = await libraryView(hsi, openingTitle, 'visibleqz');
    expect(view).toMatchObject({ listed: false, found: false, searchCount: 0 });
    for (const path of [`/es/documents/${openingDocId}`, `/es/documents/${openingDocId}/download`, `/es/foros/hilos/${threadId}`])
      expect((await hsi.get(path)).status, path).toBe(404);
    // SEDENA (Mexico) is still inside the new audience.
    expect((await libraryView(sedena, openingTitle, 'visibleqz')).found).toBe(true);
    expect((await sedena.get(`/es/documents/${openingDocId}/download`)).status).toBe(200);
  });
});
