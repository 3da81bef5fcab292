/**
 * The document exchange over HTTP against the built server: uploads (and every refused kind of
 * bad input, with nothing stored), downloads and their headers and audit, and the access matrix.
 */
import { request as httpRequest } from 'node:http';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { sha256Hex as sha, signedIn, sql, storedObjects, tempFiles } from '#tests/helpers/portal-http.ts';
import { parseHTML } from 'linkedom';
import { HttpClient } from '#tests/helpers/http.ts';
import { makeDocx, makeExe, makePdf, makePdfWithHiddenJs, makePng, makeXlsx, makeZipBombDocx } from '#db/seed/document-files.ts';

const baseUrl = inject('baseUrl');

interface Upload {
  name: string;
  bytes: Buffer;
  type?: string;
}

/**
 * A multipart body written byte by byte: fetch's FormData rewrites control characters in file
 * names, and the point here is to send them as a crafted request would.
 */
function rawMultipart(files: Upload[], fields: Record<string, string | string[]> = {}): { body: Buffer; type: string } {
  const boundary = `----raw${Date.now()}`;
  const parts: Buffer[] = [];
  const all: Record<string, string | string[]> = { language: 'es', documentType: 'other', handlingCode: 'H0', scope: 'members', ...fields };
  for (const [k, v] of Object.entries(all))
    for (const one of Array.isArray(v) ? v : [v])
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${one}\r\n`));
  for (const f of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        'utf8',
      ),
    );
    parts.push(f.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

function form(files: Upload[], fields: Record<string, string | string[]> = {}): FormData {
  const fd = new FormData();
  for (const f of files) fd.append('files', new Blob([new Uint8Array(f.bytes)], { type: f.type ?? 'application/octet-stream' }), f.name);
  const all: Record<string, string | string[]> = {
    language: 'es',
    documentType: 'trace_result',
    handlingCode: 'H1',
    scope: 'agencies',
    scopeAgencies: ['FGR'],
    versionPolicy: 'owner',
    ...fields,
  };
  for (const [k, v] of Object.entries(all)) for (const one of Array.isArray(v) ? v : [v]) fd.append(k, one);
  return fd;
}

async function upload(c: HttpClient, files: Upload[], fields: Record<string, string | string[]> = {}, lang: 'es' | 'en' = 'es') {
  // Names with control characters go out raw (see rawMultipart).
  if (files.some((f) => /[\u0000-\u001f\u0080-\u009f]/.test(f.name))) {
    const { body, type } = rawMultipart(files, fields);
    return fetch(new URL(`/${lang}/documents/new`, baseUrl), {
      method: 'POST',
      body: new Uint8Array(body),
      redirect: 'manual',
      headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), origin: baseUrl, 'content-type': type },
    });
  }
  return c.postMultipart(`/${lang}/documents/new`, form(files, fields));
}

async function uploadOk(c: HttpClient, files: Upload[], fields: Record<string, string | string[]> = {}): Promise<number> {
  const res = await upload(c, files, fields);
  expect(res.status, await res.clone().text()).toBe(303);
  const id = Number(/\/documents\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1]);
  expect(id).toBeGreaterThan(0);
  return id;
}

describe('document exchange over HTTP', () => {
  let atf: HttpClient;
  let fgr: HttpClient;
  let sedena: HttpClient;
  let admin: HttpClient;
  let visitor: HttpClient;
  let secret: number;
  const secretPdf = makePdf(['Resultado de rastreo: Colt AR-15 serie LW123456', 'Palabra clave: zafiroxenon']);

  beforeAll(async () => {
    atf = await signedIn('agent.atf@demo.test', 'en');
    fgr = await signedIn('analyst.fgr@demo.test');
    sedena = await signedIn('analyst.sedena@demo.test');
    admin = await signedIn('admin@demo.test');
    visitor = new HttpClient(baseUrl);
    secret = await uploadOk(atf, [{ name: 'Rastreo LW123456.pdf', bytes: secretPdf, type: 'application/pdf' }], {
      titleEn: 'Trace result for FGR only',
      tags: 'rastreo, Reynosa',
    });
  });

  it('stores an upload content-addressed and serves it back byte for byte, as an attachment with its UTF-8 name', async () => {
    const res = await fgr.get(`/es/documents/${secret}/download`);
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect(sha(body)).toBe(sha(secretPdf));
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Rastreo LW123456.pdf"; filename*=UTF-8''Rastreo%20LW123456.pdf`,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(storedObjects()).toContain(sha(secretPdf));
    const [row] = await sql(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'documents.download' AND target = ? AND user_email = 'analyst.fgr@demo.test' AND outcome = 'ok'",
      [`document:${secret}`],
    );
    expect(Number(row?.n)).toBe(1);
  });

  it('keeps an accented name in the download header (RFC 5987) with an ASCII fallback', async () => {
    const id = await uploadOk(atf, [{ name: 'Informe balístico Ñuñoa.txt', bytes: Buffer.from('casquillos 7.62x39\n') }]);
    const res = await atf.get(`/en/documents/${id}/download`);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Informe balistico Nunoa.txt"; filename*=UTF-8''Informe%20bal%C3%ADstico%20%C3%91u%C3%B1oa.txt`,
    );
  });

  it('shows the document shared with FGR only to FGR, its owner and admins: lists, counts, detail, downloads, search', async () => {
    const title = 'Trace result for FGR only';
    expect(await (await fgr.get('/es/documents?tab=shared')).text()).toContain('Rastreo LW123456');
    expect(await (await atf.get('/en/documents?tab=mine')).text()).toContain(title);
    expect(await (await admin.get('/es/documents?tab=shared')).text()).toContain('Rastreo LW123456');
    const sedenaList = await (await sedena.get('/es/documents?tab=shared')).text();
    expect(sedenaList).not.toContain('Rastreo LW123456');
    for (const path of [
      `/es/documents/${secret}`,
      `/es/documents/${secret}/download`,
      `/es/documents/${secret}/download?version=1`,
      `/es/documents/${secret}/thumbnail`,
      `/es/documents/${secret}/version`,
      `/es/documents/${secret}/edit`,
    ]) {
      const res = await sedena.get(path);
      expect(res.status, path).toBe(404);
      const text = await res.text();
      expect(text).not.toContain('Rastreo');
    }
    // Another ATF member's colleague is not in the scope either: ICE-HSI (US) sees nothing.
    const hsi = await signedIn('agent.hsi@demo.test', 'en');
    expect((await hsi.get(`/en/documents/${secret}`)).status).toBe(404);
    const v = await visitor.get(`/es/documents/${secret}/download`);
    expect(v.status).toBe(302);
    expect(v.headers.get('location')).toContain('/es/sign-in');
    const [denied] = await sql(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'documents.download' AND target = ? AND outcome = 'denied'",
      [`document:${secret}`],
    );
    expect(Number(denied?.n)).toBeGreaterThan(0);
  });

  it('finds a document by a word inside its PDF, for FGR only (search and snippets carry access)', async () => {
    let html = '';
    // Text extraction runs in the background at a lower priority: on a busy machine it may take a while.
    for (const deadline = Date.now() + 90_000; Date.now() < deadline;) {
      html = await (await fgr.get('/es/documents?tab=shared&q=zafiroxenon')).text();
      if (html.includes('Rastreo LW123456')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(html).toContain('Rastreo LW123456');
    expect(html).toContain('<mark>zafiroxenon</mark>');
    const other = await (await sedena.get('/es/documents?tab=shared&q=zafiroxenon')).text();
    expect(other).not.toContain('zafiroxenon</mark>');
    expect(other).toContain('No hay documentos que coincidan.');
  }, 120_000);

  it('refuses an executable renamed .pdf and stores nothing', async () => {
    const before = storedObjects().length;
    const exe = makeExe();
    const res = await upload(atf, [{ name: 'informe.pdf', bytes: exe }], {}, 'en');
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('“informe.pdf”: its content is of type “exe”, which the exchange does not accept');
    expect(storedObjects().length).toBe(before);
    expect(storedObjects()).not.toContain(sha(exe));
    expect(tempFiles()).toEqual([]);
  });

  const refusals: [string, Upload, string][] = [
    ['a zero-byte file', { name: 'vacio.pdf', bytes: Buffer.alloc(0) }, '«vacio.pdf» está vacío (0 bytes).'],
    ['a name with ../', { name: '../../etc/informe.pdf', bytes: makePdf(['x']) }, 'contiene una ruta de carpetas'],
    ['a name with a backslash', { name: 'C:\\Users\\ana\\informe.pdf', bytes: makePdf(['x']) }, 'contiene una ruta de carpetas'],
    // A NUL (or BEL) in a part header makes the whole form malformed; a C1 control gets through the parser and is refused by name.
    ['a name with NUL', { name: 'informe\u0000.pdf', bytes: makePdf(['x']) }, 'El formulario llegó mal formado'],
    ['a name with a control character', { name: 'informe\u0085.pdf', bytes: makePdf(['x']) }, 'contiene caracteres de control'],
    ['a right-to-left override', { name: 'informe\u202Efdp.exe', bytes: makePdf(['x']) }, 'caracteres invisibles de dirección del texto'],
    ['a 300-character name', { name: `${'a'.repeat(296)}.pdf`, bytes: makePdf(['x']) }, 'tiene más de 255 caracteres'],
    [
      'a double extension',
      { name: 'informe.pdf.exe', bytes: makePdf(['x']) },
      '«informe.pdf.exe» termina en .exe pero su contenido es PDF: el nombre debe terminar en .pdf.',
    ],
    ['a ZIP bomb disguised as DOCX', { name: 'bomba.docx', bytes: makeZipBombDocx(60) }, 'posible bomba ZIP'],
    ['a ZIP bomb that lies about its size', { name: 'bomba2.docx', bytes: makeZipBombDocx(60, true) }, 'posible bomba ZIP'],
    [
      'a DOCX with macros',
      { name: 'macros.docx', bytes: makeDocx(['x'], [{ name: 'word/vbaProject.bin', data: Buffer.from('x') }]) },
      'contiene macros',
    ],
    [
      'a PDF with JavaScript',
      { name: 'script.pdf', bytes: makePdf(['x'], '/OpenAction << /S /JavaScript /JS (app.alert(1)) >>') },
      'es un PDF con contenido activo (/JavaScript)',
    ],
    ['a PDF hiding JavaScript in an object stream', { name: 'oculto.pdf', bytes: makePdfWithHiddenJs() }, 'es un PDF con contenido activo'],
  ];
  for (const [what, file, message] of refusals) {
    it(`refuses ${what} with a translated message naming it, and stores nothing`, async () => {
      const before = await sql('SELECT count(*) AS n FROM documents');
      const objects = storedObjects().length;
      const res = await upload(fgr, [file]);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(message.replace(/«/g, '«').replace(/&/g, '&amp;'));
      expect((await sql('SELECT count(*) AS n FROM documents'))[0]?.n).toBe(before[0]?.n);
      expect(storedObjects().length).toBe(objects);
      expect(tempFiles()).toEqual([]);
    });
  }

  it('refuses a file over UPLOAD_MAX_MB while streaming, with the limit in the message', async () => {
    const big = Buffer.alloc(51 * 1024 * 1024, 0x41);
    const res = await upload(fgr, [{ name: 'grande.txt', bytes: big }]);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('«grande.txt» pasa del límite de 50 MB');
    expect(tempFiles()).toEqual([]);
  });

  it('answers JSON to the upload script, with the errors in the reader’s language', async () => {
    const res = await fetch(new URL('/en/documents/new', baseUrl), {
      method: 'POST',
      body: form([{ name: 'empty.txt', bytes: Buffer.alloc(0) }]),
      headers: { cookie: [...atf.cookies].map(([k, v]) => `${k}=${v}`).join('; '), origin: baseUrl, accept: 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { summary: string[] } }).errors.summary).toEqual(['“empty.txt” is empty (0 bytes).']);
  });

  it('refuses a multipart body cut off mid-file and leaves no temp file and no row', async () => {
    const before = await sql('SELECT count(*) AS n FROM documents');
    const boundary = 'cutcutcut';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="language"\r\n\r\nes\r\n--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="cortado.pdf"\r\nContent-Type: application/pdf\r\n\r\n`;
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL('/es/documents/new', baseUrl);
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            cookie: [...fgr.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
            origin: baseUrl,
            'content-type': `multipart/form-data; boundary=${boundary}`,
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(head);
      req.write(makePdf(['cut']).subarray(0, 100));
      // The body ends without the closing boundary.
      req.end();
    });
    expect(status).toBe(400);
    expect((await sql('SELECT count(*) AS n FROM documents'))[0]?.n).toBe(before[0]?.n);
    expect(tempFiles()).toEqual([]);
  });

  it('stores two uploads of the same bytes once, as two documents', async () => {
    const bytes = makeXlsx([
      ['serie', 'calibre'],
      ['LW1', '5.56'],
    ]);
    const a = await uploadOk(fgr, [{ name: 'lista-a.xlsx', bytes }]);
    const b = await uploadOk(atf, [{ name: 'lista-b.xlsx', bytes }], { scope: 'members' });
    expect(a).not.toBe(b);
    expect(storedObjects().filter((n) => n === sha(bytes))).toHaveLength(1);
    const rows = await sql('SELECT count(*) AS n FROM document_versions WHERE sha256 = ?', [sha(bytes)]);
    expect(Number(rows[0]?.n)).toBe(2);
  });

  it('refuses a cross-site upload', async () => {
    const before = await sql('SELECT count(*) AS n FROM documents');
    const res = await fetch(new URL('/es/documents/new', baseUrl), {
      method: 'POST',
      body: form([{ name: 'x.txt', bytes: Buffer.from('x') }]),
      headers: { cookie: [...fgr.cookies].map(([k, v]) => `${k}=${v}`).join('; '), origin: 'https://evil.example' },
      redirect: 'manual',
    });
    expect(res.status).toBe(403);
    expect((await sql('SELECT count(*) AS n FROM documents'))[0]?.n).toBe(before[0]?.n);
  });

  it('keeps every version downloadable and lets only permitted readers add one', async () => {
    const v1 = makeXlsx([['v', 1]]);
    const id = await uploadOk(atf, [{ name: 'aseguramientos.xlsx', bytes: v1 }], {
      scope: 'agencies',
      scopeAgencies: ['FGR', 'ATF'],
      versionPolicy: 'shared',
    });
    const v2 = makeXlsx([['v', 2]]);
    const fd = new FormData();
    fd.append('file', new Blob([new Uint8Array(v2)]), 'aseguramientos v2.xlsx');
    fd.append('note', 'Columnas de calibre corregidas');
    const res = await fgr.postMultipart(`/es/documents/${id}/version`, fd);
    expect(res.status, await res.clone().text()).toBe(303);
    expect(sha(Buffer.from(await (await atf.get(`/en/documents/${id}/download?version=1`)).arrayBuffer()))).toBe(sha(v1));
    expect(sha(Buffer.from(await (await atf.get(`/en/documents/${id}/download`)).arrayBuffer()))).toBe(sha(v2));
    const page = await (await atf.get(`/en/documents/${id}`)).text();
    expect(page).toContain('Columnas de calibre corregidas');
    expect(page).toContain('aseguramientos v2.xlsx');
    // SEDENA is not in the scope: the version form does not exist for it.
    expect((await sedena.postMultipart(`/es/documents/${id}/version`, fd)).status).toBe(404);
  });

  it('revokes a share at once and gives it back; the owner keeps access; refusals are audited', async () => {
    const id = await uploadOk(atf, [{ name: 'orden.pdf', bytes: makePdf(['orden judicial']) }], { documentType: 'court_order' });
    expect((await fgr.get(`/es/documents/${id}`)).status).toBe(200);
    const refused = await fgr.post(`/es/documents/${id}?_action=documentRevoke`, { id: String(id), revoked: 'true' });
    expect(refused.status).toBe(400);
    const [denied] = await sql(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'documents.revoke' AND target = ? AND outcome = 'denied'",
      [`document:${id}`],
    );
    expect(Number(denied?.n)).toBe(1);
    const ok = await atf.post(`/en/documents/${id}?_action=documentRevoke`, { id: String(id), revoked: 'true' });
    expect(await ok.text()).toContain('Access revoked: only you and administrators see the document.');
    expect((await fgr.get(`/es/documents/${id}`)).status).toBe(404);
    expect((await fgr.get(`/es/documents/${id}/download`)).status).toBe(404);
    expect((await atf.get(`/en/documents/${id}/download`)).status).toBe(200);
    await atf.post(`/en/documents/${id}?_action=documentRevoke`, { id: String(id), revoked: 'false' });
    expect((await fgr.get(`/es/documents/${id}`)).status).toBe(200);
  });

  it('shares with named members only, and ends the share on its expiry day', async () => {
    const id = await uploadOk(atf, [{ name: 'foto.png', bytes: makePng(40, 30, [200, 30, 30]), type: 'image/png' }], {
      documentType: 'photo',
      scope: 'users',
      scopeMembers: 'analyst.fgr@demo.test',
    });
    expect((await fgr.get(`/es/documents/${id}`)).status).toBe(200);
    expect((await admin.get(`/es/documents/${id}`)).status).toBe(200);
    expect((await sedena.get(`/es/documents/${id}`)).status).toBe(404);
    const unknown = await upload(
      atf,
      [{ name: 'x.txt', bytes: Buffer.from('x') }],
      { scope: 'users', scopeMembers: 'nadie@demo.test' },
      'en',
    );
    expect(await unknown.text()).toContain('There is no active account with the e-mail nadie@demo.test.');
    // Expiry: a date in the past is refused; an expired share hides it (set in the database: time cannot pass in a test).
    const past = await upload(atf, [{ name: 'x.txt', bytes: Buffer.from('x') }], { shareExpiresAt: '2020-01-01' }, 'en');
    expect(await past.text()).toContain('The expiry date must be in the future.');
    await sql('UPDATE documents SET share_expires_at = ? WHERE id = ?', [Date.now() - 1000, id]);
    expect((await fgr.get(`/es/documents/${id}`)).status).toBe(404);
    expect((await atf.get(`/en/documents/${id}`)).status).toBe(200);
  });

  it('makes image thumbnails available to those who may see the document', async () => {
    const id = await uploadOk(fgr, [{ name: 'marcas.png', bytes: makePng(800, 600, [10, 90, 160]), type: 'image/png' }], {
      documentType: 'photo',
      scope: 'agencies',
      scopeAgencies: ['ATF'],
    });
    let res = await fgr.get(`/es/documents/${id}/thumbnail`);
    for (let i = 0; i < 100 && res.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await fgr.get(`/es/documents/${id}/thumbnail`);
    }
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect((await sedena.get(`/es/documents/${id}/thumbnail`)).status).toBe(404);
  });

  it('attaches files to a new request and to a reply, with the request’s scope, listed in the print view', async () => {
    const pdf = makePdf(['Trace result', 'Serial LW998877 sold in Laredo, TX']);
    const fd = new FormData();
    for (const [k, v] of Object.entries({
      addressed: 'FGR',
      type: 'records_check',
      subject: 'Trace result attached for FGR',
      body: 'See the attached trace result.',
      lang: 'en',
      priority: 'routine',
      handlingCode: 'H2',
    }))
      fd.append(k, v);
    fd.append('attachments', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'trace-LW998877.pdf');
    const res = await atf.postMultipart('/en/requests/new', fd);
    expect(res.status, await res.clone().text()).toBe(303);
    const requestId = Number(/\/requests\/(\d+)\?created=1/.exec(res.headers.get('location') ?? '')?.[1]);
    expect(requestId).toBeGreaterThan(0);
    const [doc] = await sql("SELECT id, handling_code FROM documents WHERE origin = 'request' AND origin_id = ?", [requestId]);
    const docId = Number(doc?.id);
    expect(doc?.handling_code).toBe('H2');

    const page = await (await fgr.get(`/es/requests/${requestId}`)).text();
    expect(page).toContain('trace-LW998877.pdf');
    const download = await fgr.get(`/es/documents/${docId}/download`);
    expect(sha(Buffer.from(await download.arrayBuffer()))).toBe(sha(pdf));
    expect(await (await atf.get(`/en/documents/${docId}`)).text()).toContain('Lucía Ramírez Ochoa (FGR)');
    expect(await (await fgr.get(`/es/requests/${requestId}/print`)).text()).toContain(`SHA-256 ${sha(pdf)}`);
    for (const path of [`/es/requests/${requestId}`, `/es/documents/${docId}`, `/es/documents/${docId}/download`])
      expect((await sedena.get(path)).status, path).toBe(404);

    const reply = new FormData();
    reply.append('message', 'Adjunto la lista de aseguramientos.');
    reply.append('attachments', new Blob([new Uint8Array(makeXlsx([['serie'], ['LW998877']]))]), 'lista.xlsx');
    const replied = await fgr.postMultipart(`/es/requests/${requestId}/reply`, reply);
    expect(replied.status, await replied.clone().text()).toBe(303);
    const after = await (await atf.get(`/en/requests/${requestId}`)).text();
    expect(after).toContain('Adjunto la lista de aseguramientos.');
    expect(after).toContain('lista.xlsx');
    // A reply by an agency outside the request does not exist for it.
    expect((await sedena.postMultipart(`/es/requests/${requestId}/reply`, reply)).status).toBe(404);
  });

  it('tells the people a document is shared with, and the earlier downloaders about a new version; revoking takes it away', async () => {
    const id = await uploadOk(atf, [{ name: 'notificado.xlsx', bytes: makeXlsx([['n', 1]]) }], {
      titleEs: 'Lista notificada',
      scope: 'agencies',
      scopeAgencies: ['FGR'],
      versionPolicy: 'shared',
    });
    const centre = await (await fgr.get('/es/notifications')).text();
    expect(centre).toContain('ATF compartió con usted «Lista notificada».');
    expect(await (await sedena.get('/es/notifications')).text()).not.toContain('Lista notificada');
    // FGR downloads it; ATF uploads a second version: FGR is told.
    await (await fgr.get(`/es/documents/${id}/download`)).arrayBuffer();
    const fd = new FormData();
    fd.append('file', new Blob([new Uint8Array(makeXlsx([['n', 2]]))]), 'notificado-2.xlsx');
    expect((await atf.postMultipart(`/en/documents/${id}/version`, fd)).status).toBe(303);
    expect(await (await fgr.get('/es/notifications')).text()).toContain('Nueva versión 2 de «Lista notificada» (ATF).');
    await atf.post(`/en/documents/${id}?_action=documentRevoke`, { id: String(id), revoked: 'true' });
    expect(await (await fgr.get('/es/notifications')).text()).not.toContain('Lista notificada');
  });

  it('counts a share in the header badge and the centre only until the share expires', async () => {
    const badge = async () => Number((await (await fgr.get('/es/documents')).text()).match(/data-testid="unread-count">\s*(\d+)/)?.[1]);
    const before = await badge();
    const id = await uploadOk(atf, [{ name: 'caduca.xlsx', bytes: makeXlsx([['n', 1]]) }], {
      titleEs: 'Lista que caduca',
      scope: 'agencies',
      scopeAgencies: ['FGR'],
    });
    expect(await badge()).toBe(before + 1);
    // The share ends (set in the database: time cannot pass in a test): the badge's SQL, built once per
    // reader, compares with the database's clock, so the notification stops counting at once.
    await sql('UPDATE documents SET share_expires_at = ? WHERE id = ?', [Date.now() - 1000, id]);
    expect(await badge()).toBe(before);
    expect(await (await fgr.get('/es/notifications')).text()).not.toContain('Lista que caduca');
  });

  it('shuts a disabled member’s old session out of a document shared with their agency: lists, detail, download, search', async () => {
    const id = await uploadOk(atf, [{ name: 'Para Guatemala.pdf', bytes: makePdf(['Palabra clave: quetzalvidrio']) }], {
      titleEs: 'Compartido con el MP de Guatemala',
      scope: 'agencies',
      scopeAgencies: ['MP-GT'],
    });
    const gt = await signedIn('fiscal.gt@demo.test');
    expect((await gt.get(`/es/documents/${id}`)).status).toBe(200);
    expect(await (await gt.get('/es/documents?tab=shared')).text()).toContain('Compartido con el MP de Guatemala');
    const list = await (await admin.get('/es/admin/users?q=fiscal.gt')).text();
    const userId = /\/es\/admin\/users\/([a-z0-9]+)"/.exec(list)![1]!;
    await admin.post(`/es/admin/users/${userId}?_action=setUserDisabled`, { id: userId, disabled: 'true' });
    try {
      for (const path of [
        `/es/documents/${id}`,
        `/es/documents/${id}/download`,
        `/es/documents/${id}/download?version=1`,
        '/es/documents?tab=shared',
        '/es/documents?tab=shared&q=quetzalvidrio',
        '/es/notifications',
      ]) {
        const res = await gt.get(path);
        // The old cookie is no session any more: the sign-in page, never the document.
        expect([302, 303, 404], path).toContain(res.status);
        if (res.status !== 404) expect(res.headers.get('location'), path).toContain('/es/sign-in');
        expect(await res.text(), path).not.toContain('Compartido con el MP de Guatemala');
      }
    } finally {
      await admin.post(`/es/admin/users/${userId}?_action=setUserDisabled`, { id: userId, disabled: 'false' });
    }
  });

  it('refuses a bad attachment and creates no request', async () => {
    const before = await sql('SELECT count(*) AS n FROM requests');
    const fd = new FormData();
    for (const [k, v] of Object.entries({
      addressed: 'FGR',
      type: 'other',
      subject: 'Bad file',
      body: 'x',
      lang: 'en',
      priority: 'routine',
      handlingCode: 'H0',
    }))
      fd.append(k, v);
    fd.append('attachments', new Blob([new Uint8Array(makeExe())]), 'trace.pdf');
    const res = await atf.postMultipart('/en/requests/new', fd);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('“trace.pdf”: its content is of type “exe”');
    expect(html).toContain('value="Bad file"');
    expect((await sql('SELECT count(*) AS n FROM requests'))[0]?.n).toBe(before[0]?.n);
  });

  it('reads typed dates in the page language’s order: the share expiry of an upload and the library’s date filters', async () => {
    const stamp = `fechas${Date.now()}`;
    const count = async () => Number((await sql('SELECT count(*) AS n FROM documents WHERE title_es LIKE ?', [`${stamp}%`]))[0]!.n);
    const file = [{ name: 'fechas.txt', bytes: Buffer.from(stamp) }];
    // 12/31/2099 is the English order: on a Spanish page there is no month 31. Named at its field, nothing stored.
    const wrongEs = await upload(fgr, file, { titleEs: `${stamp} es`, shareExpiresAt: '12/31/2099' });
    expect(wrongEs.status).toBe(400);
    const es = parseHTML(await wrongEs.text()).document;
    expect(es.querySelector('#field-shareExpiresAt-error')?.textContent?.trim()).toBe(
      'Vencimiento del acceso: escriba la fecha como dd/mm/aaaa.',
    );
    expect(es.querySelector('#field-shareExpiresAt')?.getAttribute('value')).toBe('12/31/2099');
    const wrongEn = await upload(atf, file, { titleEs: `${stamp} en`, shareExpiresAt: '31/12/2099' }, 'en');
    expect(wrongEn.status).toBe(400);
    const en = parseHTML(await wrongEn.text()).document;
    expect(en.querySelector('#field-shareExpiresAt-error')?.textContent?.trim()).toBe('Access expiry: write the date as mm/dd/yyyy.');
    expect(await count()).toBe(0);
    // The same day typed in each page's order: shared through 31 December 2099 (until 1 January 2100, 00:00 UTC).
    for (const [client, lang, typed] of [
      [fgr, 'es', '31/12/2099'],
      [atf, 'en', '12/31/2099'],
    ] as const) {
      const res = await upload(client, file, { titleEs: `${stamp} ${lang}`, shareExpiresAt: typed }, lang);
      expect(res.status, await res.clone().text()).toBe(303);
      const [row] = await sql('SELECT share_expires_at AS at FROM documents WHERE title_es = ?', [`${stamp} ${lang}`]);
      expect(Number(row?.at)).toBe(Date.UTC(2100, 0, 1));
      // The edit form shows it back in the page's order.
      const id = Number(/\/documents\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1]);
      const edit = parseHTML(await (await client.get(`/${lang}/documents/${id}/edit`)).text()).document;
      expect(edit.querySelector('#field-shareExpiresAt')?.getAttribute('value')).toBe(typed);
    }

    // The library: a document last changed on 3 May 2021 (UTC), found by that day in each language's order.
    const [mine] = await sql('SELECT id FROM documents WHERE title_es = ?', [`${stamp} es`]);
    const id = String(mine!.id);
    await sql('UPDATE documents SET updated_at = ? WHERE id = ?', [Date.UTC(2021, 4, 3, 12), id]);
    const listed = async (path: string) => {
      let res = await fgr.get(path);
      if (res.status === 302) res = await fgr.get(res.headers.get('location')!);
      expect(res.status).toBe(200);
      const doc = parseHTML(await res.text()).document;
      return [...doc.querySelectorAll('[data-document-id]')].map((r) => r.getAttribute('data-document-id'));
    };
    // Typed dates become YYYY-MM-DD in the address, so the language switch and a shared link mean the same day.
    const typed = await fgr.get('/es/documents?tab=mine&from=03%2F05%2F2021&to=03%2F05%2F2021');
    expect(typed.status).toBe(302);
    expect(typed.headers.get('location')).toBe('/es/documents?tab=mine&from=2021-05-03&to=2021-05-03');
    expect(await listed('/es/documents?tab=mine&from=03%2F05%2F2021&to=03%2F05%2F2021')).toEqual([id]);
    expect(await listed('/en/documents?tab=mine&from=05%2F03%2F2021&to=05%2F03%2F2021')).toEqual([id]);
    expect(await listed('/es/documents?tab=mine&from=04%2F05%2F2021&to=04%2F05%2F2021')).toEqual([]);
    // A date that cannot be read: kept as typed, named at its field in the page's language, left out of the filter.
    const all = await listed('/es/documents?tab=mine');
    const bad = await fgr.get('/es/documents?tab=mine&from=12%2F31%2F2024');
    expect(bad.status).toBe(200);
    const badEs = parseHTML(await bad.text()).document;
    expect(badEs.querySelector('#doc-from-error')?.textContent?.trim()).toBe('Modificado desde: escriba la fecha como dd/mm/aaaa.');
    expect(badEs.querySelector('#doc-from')?.getAttribute('value')).toBe('12/31/2024');
    expect(badEs.querySelector('details.portal-doc-filters')?.hasAttribute('open')).toBe(true);
    expect(all.length).toBeGreaterThan(0);
    expect([...badEs.querySelectorAll('[data-document-id]')].map((r) => r.getAttribute('data-document-id'))).toEqual(all);
    const badEn = parseHTML(await (await fgr.get('/en/documents?tab=mine&to=31%2F12%2F2024')).text()).document;
    expect(badEn.querySelector('#doc-to-error')?.textContent?.trim()).toBe('Changed until: write the date as mm/dd/yyyy.');
  });
});

describe('request attachments follow the request', () => {
  it('a request’s file is listed, found and opened only where the request is, even if its own scope said more', async () => {
    const [doc] = await sql(
      `SELECT d.id, d.scope_set_id FROM documents d JOIN document_versions v ON v.document_id = d.id AND v.number = d.current_version
       WHERE d.origin = 'request' AND v.file_name = 'Trace results Reynosa.pdf'`,
    );
    const id = Number(doc!.id);
    const sedena = await signedIn('analyst.sedena@demo.test');
    const fgr = await signedIn('analyst.fgr@demo.test');
    // A scope set admitting every member (as a stale or mistaken scope would): the request still decides.
    const [members] = await sql(
      "SELECT ss.id FROM scope_sets ss WHERE ss.tokens = 'members' AND EXISTS (SELECT 1 FROM scope_set_tokens t WHERE t.scope_set_id = ss.id)",
    );
    await sql('UPDATE documents SET scope_set_id = ? WHERE id = ?', [Number(members!.id), id]);
    try {
      const list = await (await sedena.get('/es/documents?tab=shared')).text();
      const search = await (await sedena.get('/es/documents?tab=shared&q=Reynosa')).text();
      expect(list).not.toContain('Trace results Reynosa');
      expect(search).not.toContain('Trace results Reynosa');
      expect(search).not.toContain(`/es/documents/${id}`);
      expect((await sedena.get(`/es/documents/${id}`)).status).toBe(404);
      expect((await sedena.get(`/es/documents/${id}/download`)).status).toBe(404);
      // The addressed agency still finds it.
      expect(await (await fgr.get('/es/documents?tab=shared&q=Reynosa')).text()).toContain(`/es/documents/${id}"`);
    } finally {
      await sql('UPDATE documents SET scope_set_id = ? WHERE id = ?', [Number(doc!.scope_set_id), id]);
    }
  });
});
