/**
 * The forum over HTTP on the built server: the access matrix of a thread restricted to FGR and
 * ATF, moderation rights (forged posts included) and their audit, posting limits and translated
 * errors, unread tracking, the language switch, and member text that stays inert on every page
 * and in e-mail.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signedIn, sql } from '#tests/helpers/portal-http.ts';
import { HttpClient } from '#tests/helpers/http.ts';
import { activeContent } from '#tests/helpers/inert.ts';
import { startServer, type RunningServer } from '#tests/helpers/start-server.ts';
import { startMailCatcher, type MailCatcher, type ReceivedMail } from '#tests/helpers/mail-catcher.ts';

const baseUrl = inject('baseUrl');

/** The page's own content (between the skip link's target and the footer). */
async function main(res: Response): Promise<string> {
  const html = await res.text();
  return /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? '';
}

const categoryId = async (slug: string) => Number((await sql('SELECT id FROM thread_categories WHERE slug = ?', [slug]))[0]?.id);

function threadForm(fields: Record<string, string>, agencies: string[] = []): URLSearchParams {
  const form = new URLSearchParams({ lang: 'es', tags: '', handlingCode: 'H1', audience: 'category', ...fields });
  for (const a of agencies) form.append('agencies', a);
  return form;
}

async function createThread(c: HttpClient, form: URLSearchParams, lang: 'es' | 'en' = 'es'): Promise<{ threadId: number; postId: number }> {
  const res = await c.post(`/${lang}/${lang === 'es' ? 'foros/nuevo' : 'forums/new'}?_action=createThread`, form);
  expect(res.status, await res.clone().text()).toBe(303);
  const m = /\/(?:hilos|threads)\/(\d+)\?created=1#post-(\d+)$/.exec(res.headers.get('location') ?? '');
  expect(m).not.toBeNull();
  return { threadId: Number(m![1]), postId: Number(m![2]) };
}

async function reply(c: HttpClient, threadId: number, body: string, extra: Record<string, string> = {}): Promise<Response> {
  return c.post(`/es/foros/hilos/${threadId}?_action=replyToThread`, { threadId: String(threadId), postBody: body, lang: 'es', ...extra });
}

describe('the forum over HTTP: a thread restricted to FGR and ATF', () => {
  let fgr: HttpClient;
  let atf: HttpClient;
  let sedena: HttpClient;
  let gt: HttpClient;
  let thread: { threadId: number; postId: number };
  let replyId: number;
  let requestRef: { id: number; reference: string };
  const word = 'zarzamoraxq';

  beforeAll(async () => {
    fgr = await signedIn('analyst.fgr@demo.test', 'es');
    atf = await signedIn('agent.atf@demo.test', 'en');
    sedena = await signedIn('analyst.sedena@demo.test', 'es');
    gt = await signedIn('fiscal.gt@demo.test', 'es');
    const [req] = await sql(
      `SELECT r.id, r.reference FROM requests r WHERE r.requester_agency_code = 'ATF'
         AND EXISTS (SELECT 1 FROM request_recipients x WHERE x.request_id = r.id AND x.agency_code = 'FGR')
         AND NOT EXISTS (SELECT 1 FROM request_recipients x WHERE x.request_id = r.id AND x.agency_code IN ('SEDENA', 'MP-GT')) ORDER BY r.id LIMIT 1`,
    );
    requestRef = { id: Number(req!.id), reference: String(req!.reference) };
    thread = await createThread(
      fgr,
      threadForm(
        {
          categoryId: String(await categoryId('casos-conjuntos')),
          title: `Caso ${word}: cartuchos de Matamoros`,
          postBody: `Seguimiento de ${requestRef.reference}; @dana.whitfield revise los casquillos ${word}.`,
          tags: 'balistica matamoros',
          audience: 'agencies',
        },
        ['ATF'],
      ),
    );
    const res = await atf.post(`/en/forums/threads/${thread.threadId}?_action=replyToThread`, {
      threadId: String(thread.threadId),
      postBody: `Received, the ${word} casings go to NIBIN.`,
      lang: 'en',
      quoted: String(thread.postId),
    });
    expect(res.status).toBe(303);
    replyId = Number(/#post-(\d+)$/.exec(res.headers.get('location') ?? '')?.[1]);
  });

  it('is for members only: a visitor is sent to sign in from every forum address', async () => {
    const visitor = new HttpClient(baseUrl);
    for (const path of [
      '/es/foros',
      `/en/forums/threads/${thread.threadId}`,
      `/es/foros/mensajes/${thread.postId}`,
      '/es/foros/menciones.json',
    ]) {
      const res = await visitor.get(path);
      expect(res.status, path).toBe(302);
      expect(res.headers.get('location'), path).toMatch(/\/sign-in\?next=/);
    }
  });

  it('shows the thread to FGR and ATF in lists, on its page, its permalinks and search', async () => {
    const list = await main(await fgr.get('/es/foros/recientes'));
    expect(list).toContain(`Caso ${word}`);
    const page = await main(await atf.get(`/en/forums/threads/${thread.threadId}?page=1`));
    expect(page).toContain(`Caso ${word}`);
    expect(page).toContain(
      'data-testid="thread-scope">Bureau of Alcohol, Tobacco, Firearms and Explosives (ATF) and Office of the Attorney General of Mexico (FGR)</dd>',
    );
    expect(page).toContain(`In reply to Lucía Ramírez Ochoa (FGR)`);
    const permalink = await atf.get(`/en/forums/posts/${replyId}`);
    expect(permalink.status).toBe(302);
    expect(permalink.headers.get('location')).toBe(`/en/forums/threads/${thread.threadId}?page=1#post-${replyId}`);
    const search = await main(await atf.get(`/en/forums/search?q=${word}`));
    expect(search).toContain('2 posts found');
  });

  it('hides it from SEDENA and a Guatemalan prosecutor everywhere: lists, counts, URLs, permalinks, search, notifications, completion, references', async () => {
    for (const [who, c] of [
      ['SEDENA', sedena],
      ['MP-GT', gt],
    ] as const) {
      for (const path of ['/es/foros', '/es/foros/recientes', '/es/foros/categoria/casos-conjuntos', '/es/notifications']) {
        const html = await main(await c.get(path));
        expect(html, `${who} ${path}`).not.toContain(word);
      }
      for (const path of [
        `/es/foros/hilos/${thread.threadId}`,
        `/en/forums/threads/${thread.threadId}?page=1`,
        `/es/foros/mensajes/${thread.postId}`,
        `/es/foros/mensajes/${replyId}`,
        `/es/foros/mensajes/${thread.postId}/versiones`,
        `/es/foros/mensajes/${thread.postId}/editar`,
        `/es/foros/hilos/${thread.threadId}/mover`,
        `/es/foros/menciones.json?thread=${thread.threadId}&q=`,
      ]) {
        const res = await c.get(path);
        expect(res.status, `${who} ${path}`).toBe(404);
        expect(await res.text(), `${who} ${path}`).not.toContain(word);
      }
      const search = await main(await c.get(`/es/foros/buscar?q=${word}`));
      expect(search, who).toContain('0 mensajes encontrados');
      expect(search, who).not.toContain(`post-${thread.postId}`);
    }
    // Per-category counts are counted over what each reader may see.
    const count = async (c: HttpClient) =>
      Number(
        /data-category="casos-conjuntos"[\s\S]*?data-testid="category-threads"[^>]*>\s*(\d+)\s*</.exec(
          await main(await c.get('/es/foros')),
        )?.[1],
      );
    const visibleToSedena = await sql(
      `SELECT count(*) AS n FROM threads t JOIN thread_categories c ON c.id = t.category_id WHERE c.slug = 'casos-conjuntos' AND t.hidden_at IS NULL
         AND t.scope_set_id IN (SELECT scope_set_id FROM scope_set_tokens WHERE token IN ('members', 'country:MX', 'agency:SEDENA'))`,
    );
    expect(await count(sedena)).toBe(Number(visibleToSedena[0]!.n));
    expect(await count(fgr)).toBeGreaterThan(await count(sedena));
  });

  it('notifies the mentioned ATF agent and offers completion only of members who may see the thread', async () => {
    const notes = await main(await atf.get('/en/notifications'));
    expect(notes).toContain(`mentioned you in “Caso ${word}: cartuchos de Matamoros”`);
    expect(notes).toContain(`href="/en/forums/posts/${thread.postId}"`);
    const res = await fgr.get(`/es/foros/menciones.json?thread=${thread.threadId}&q=`);
    const handles = ((await res.json()) as { handle: string; agencyCode: string }[]).map((c) => c.agencyCode);
    expect(handles.length).toBeGreaterThan(0);
    expect(new Set(handles)).toEqual(new Set(['ATF', ...(handles.includes('FGR') ? ['FGR'] : [])]));
    // While SEDENA writes a thread for Mexico only, completion does not offer the ATF agent; for SEDENA and ATF it does.
    const cat = await categoryId('casos-conjuntos');
    const allowed = await sedena.get(`/es/foros/menciones.json?categoryId=${cat}&audience=agencies&agencies=ATF&q=dan`);
    expect(((await allowed.json()) as { handle: string }[]).map((c) => c.handle)).toEqual(['dana.whitfield']);
    const denied = await sedena.get(`/es/foros/menciones.json?categoryId=${cat}&audience=country&q=dan`);
    expect(((await denied.json()) as { handle: string }[]).map((c) => c.handle)).toEqual([]);
  });

  it('tells the author before posting when a mention would reach nobody, keeping the text', async () => {
    const text = `Pregunta para @cap.jorge.villasenor sobre ${word}`;
    const refused = await reply(fgr, thread.threadId, text);
    expect(refused.status).toBe(400);
    const html = await main(refused);
    expect(html).toContain(
      'Estas menciones no avisarán a nadie, porque ningún miembro con ese nombre puede ver este hilo: @cap.jorge.villasenor',
    );
    expect(html).toContain('Publicar de todos modos');
    expect(html).toContain(text);
    const posted = await reply(fgr, thread.threadId, text, { confirmMentions: '1' });
    expect(posted.status).toBe(303);
    expect((await main(await sedena.get('/es/notifications'))).includes(word)).toBe(false);
  });

  it('links a reference only for readers who may see its target', async () => {
    const general = await createThread(
      atf,
      threadForm({
        categoryId: String(await categoryId('general')),
        title: 'References for everyone to read',
        lang: 'en',
        postBody: `See ${requestRef.reference} and [the case thread](/en/forums/threads/${thread.threadId}) and boletin:gao-16-223-cifras-2009-2014.`,
      }),
      'en',
    );
    const forAtf = await main(await atf.get(`/en/forums/threads/${general.threadId}?page=1`));
    expect(forAtf).toContain(`<a href="/en/requests/${requestRef.id}" class="portal-ref">${requestRef.reference}</a>`);
    expect(forAtf).toContain(`<a href="/en/forums/threads/${thread.threadId}" class="portal-ref">the case thread</a>`);
    expect(forAtf).toContain('<a href="/en/bulletins/gao-16-223-cifras-2009-2014" class="portal-ref">');
    const forSedena = await main(await sedena.get(`/es/foros/hilos/${general.threadId}?page=1`));
    expect(forSedena).toContain(`See ${requestRef.reference} and the case thread and`);
    expect(forSedena).not.toContain(`/requests/${requestRef.id}`);
    expect(forSedena).not.toContain(`/foros/hilos/${thread.threadId}`);
    expect(forSedena).not.toContain(`/forums/threads/${thread.threadId}`);
    // Members-only bulletin: SEDENA may read it, so it is a link for them too.
    expect(forSedena).toContain('href="/es/bulletins/gao-16-223-cifras-2009-2014"');
  });

  it('reads nothing with a disabled member’s old session', async () => {
    const admin = await signedIn('admin@demo.test', 'es');
    const old = await signedIn('agent.hsi@demo.test', 'en');
    expect((await old.get('/en/forums')).status).toBe(200);
    const [hsi] = await sql("SELECT id FROM users WHERE email_normalized = 'agent.hsi@demo.test'");
    const id = String(hsi!.id);
    try {
      expect((await admin.post(`/es/admin/users/${id}?_action=setUserDisabled`, { id, disabled: 'true' })).status).toBe(200);
      for (const path of ['/en/forums', `/en/forums/threads/${thread.threadId}`, '/en/forums/mentions.json?thread=1&q=']) {
        const res = await old.get(path);
        expect(res.status, path).toBe(302);
        expect(res.headers.get('location'), path).toMatch(/\/sign-in\?next=/);
      }
    } finally {
      await admin.post(`/es/admin/users/${id}?_action=setUserDisabled`, { id, disabled: 'false' });
    }
  });
});

describe('moderation rights over HTTP', () => {
  it('refuses a member’s forged moderator and admin posts, changes nothing and audits each as denied', async () => {
    const fgr = await signedIn('analyst.fgr@demo.test', 'es');
    const { threadId, postId } = await createThread(
      fgr,
      threadForm({ categoryId: String(await categoryId('general')), title: 'Forged moderation target', postBody: 'Texto original.' }),
    );
    const member = await signedIn('agent.hsi@demo.test', 'en');
    const target = `/en/forums/threads/${threadId}`;
    // Each forged post goes to the page that would carry the form: the thread page answers with the
    // refusal; pages that do not exist for members (move, queue, categories) answer 404.
    const attempts: [string, string, Record<string, string>, number][] = [
      [target, 'moderateThread', { threadId: String(threadId), action: 'pin' }, 400],
      [target, 'moderateThread', { threadId: String(threadId), action: 'lock' }, 400],
      [target, 'moderateThread', { threadId: String(threadId), action: 'hide_thread', reason: 'x' }, 400],
      [target, 'moderatePost', { postId: String(postId), action: 'hide_post', reason: 'x' }, 400],
      [
        `${target}/move`,
        'moveThread',
        { threadId: String(threadId), categoryId: String(await categoryId('rastreo')), confirmWiden: '1' },
        404,
      ],
      ['/en/forums/moderation', 'dismissReports', { postId: String(postId) }, 404],
      [
        '/en/forums/categories',
        'createCategory',
        { slug: 'forged', nameEs: 'a', nameEn: 'b', descriptionEs: 'c', descriptionEn: 'd', audience: 'members' },
        404,
      ],
      ['/en/forums/categories', 'archiveCategory', { categoryId: String(await categoryId('general')), archived: 'true' }, 404],
    ];
    for (const [path, action, form, status] of attempts) {
      const res = await member.post(`${path}?_action=${action}`, form);
      expect(res.status, action).toBe(status);
      if (status === 400) expect(await main(res), action).toContain('You are not allowed to do this.');
    }
    const [row] = await sql('SELECT pinned_at, locked_at, hidden_at, category_id FROM threads WHERE id = ?', [threadId]);
    expect([row!.pinned_at, row!.locked_at, row!.hidden_at, Number(row!.category_id)]).toEqual([
      null,
      null,
      null,
      await categoryId('general'),
    ]);
    expect((await sql('SELECT hidden_at FROM thread_posts WHERE id = ?', [postId]))[0]!.hidden_at).toBeNull();
    expect((await sql("SELECT count(*) AS n FROM thread_categories WHERE slug = 'forged'"))[0]!.n).toBe(0);
    expect((await sql("SELECT archived_at FROM thread_categories WHERE slug = 'general'"))[0]!.archived_at).toBeNull();
    const denied = await sql(
      "SELECT action FROM audit_log WHERE user_email = 'agent.hsi@demo.test' AND outcome = 'denied' AND action LIKE 'threads.%' ORDER BY id",
    );
    expect(denied.map((d) => d.action)).toEqual(
      expect.arrayContaining([
        'threads.pin',
        'threads.lock',
        'threads.hide_thread',
        'threads.hide_post',
        'threads.move',
        'threads.dismiss_report',
        'threads.category.create',
        'threads.category.archive',
      ]),
    );
    // The moderation tools are not even offered to members.
    expect(await main(await member.get(`${target}?page=1`))).not.toContain('data-testid="mod-tools"');
    expect((await member.get('/en/forums/moderation')).status).toBe(404);
    expect((await member.get('/en/forums/categories')).status).toBe(404);
  });

  it('lets the CBP moderator pin, lock and hide, audited and in the thread’s visible history', async () => {
    const cbp = await signedIn('moderator.cbp@demo.test', 'en');
    const atf = await signedIn('agent.atf@demo.test', 'en');
    const { threadId } = await createThread(
      atf,
      threadForm({
        categoryId: String(await categoryId('rastreo')),
        title: 'A thread the moderator works on',
        lang: 'en',
        postBody: 'Opening text.',
      }),
      'en',
    );
    const replyRes = await reply(atf, threadId, 'A reply to be hidden.');
    const hiddenId = Number(/#post-(\d+)$/.exec(replyRes.headers.get('location') ?? '')?.[1]);
    const path = `/en/forums/threads/${threadId}`;
    expect(await main(await cbp.post(`${path}?_action=moderateThread`, { threadId: String(threadId), action: 'pin' }))).toContain(
      'Thread pinned.',
    );
    await cbp.post(`${path}?_action=moderateThread`, { threadId: String(threadId), action: 'lock' });
    const missing = await cbp.post(`${path}?_action=moderatePost`, { postId: String(hiddenId), action: 'hide_post', reason: '' });
    expect(await main(missing)).toContain('Give the reason.');
    await cbp.post(`${path}?_action=moderatePost`, { postId: String(hiddenId), action: 'hide_post', reason: 'Personal data' });
    const history = await main(await atf.get(`${path}?page=1`));
    expect(history).toContain('Pinned the thread');
    expect(history).toContain('Locked the thread');
    expect(history).toContain('Hid post 2');
    expect(history).toContain('Personal data');
    expect(history).toContain('Post hidden by a moderator.');
    expect(history).toContain('You cannot reply: the thread is locked.');
    const locked = await reply(atf, threadId, 'One more thing');
    expect(await main(locked)).toContain('El hilo está cerrado: no admite respuestas.');
    const audited = await sql(
      "SELECT action FROM audit_log WHERE user_email = 'moderator.cbp@demo.test' AND outcome = 'ok' AND (target = ? OR target = ?) ORDER BY id",
      [`thread:${threadId}`, `post:${hiddenId}`],
    );
    expect(audited.map((a) => a.action)).toEqual(['threads.pin', 'threads.lock', 'threads.hide_post']);
  });
});

describe('posting, unread tracking and addresses', () => {
  it('refuses a post past the rate limit and the same text twice, with translated messages, keeping the text', async () => {
    const sspc = await signedIn('editor.sspc@demo.test', 'es');
    const { threadId } = await createThread(
      sspc,
      threadForm({ categoryId: String(await categoryId('general')), title: 'Límite de mensajes', postBody: 'Mensaje inicial.' }),
    );
    const dup = await reply(sspc, threadId, 'Mensaje inicial.');
    expect(dup.status).toBe(400);
    expect(await main(dup)).toContain('Acaba de publicar este mismo texto.');
    for (let i = 2; i <= 10; i++) expect((await reply(sspc, threadId, `Respuesta número ${i}`)).status, `post ${i}`).toBe(303);
    const limited = await reply(sspc, threadId, 'Una respuesta de más');
    expect(limited.status).toBe(400);
    const html = await main(limited);
    expect(html).toContain('Publicó 10 mensajes en 5 minutos, el máximo.');
    expect(html).toContain('Una respuesta de más</textarea>');
    expect(Number((await sql('SELECT last_seq FROM threads WHERE id = ?', [threadId]))[0]!.last_seq)).toBe(10);
  });

  it('counts new posts in lists and opens a thread at the first unread post, on the page that holds it', async () => {
    const gt = await signedIn('fiscal.gt@demo.test', 'es');
    const sedena = await signedIn('analyst.sedena@demo.test', 'es');
    const { threadId } = await createThread(
      gt,
      threadForm({ categoryId: String(await categoryId('frontera-sur')), title: 'Hilo con muchas respuestas', postBody: 'Inicio.' }),
    );
    await sedena.get(`/es/foros/hilos/${threadId}?page=1`);
    // 40 more posts: the first one SEDENA has not read is post 2, then 31 on page 2.
    const [ids] = [[] as number[]];
    for (let i = 0; i < 40; i++) {
      const res = await sql(
        `INSERT INTO thread_posts (thread_id, seq, author_id, author_agency_code, lang, body, body_html, created_at)
         SELECT ?, ?, id, 'MP-GT', 'es', ?, ?, ? FROM users WHERE email_normalized = 'fiscal.gt@demo.test' RETURNING id`,
        [threadId, i + 2, `Respuesta ${i + 2}`, `<p>Respuesta ${i + 2}</p>`, Date.now() + i],
      );
      ids.push(Number(res[0]!.id));
    }
    await sql('UPDATE threads SET last_seq = 41, last_visible_seq = 41, post_count = 41, last_post_at = ? WHERE id = ?', [
      Date.now() + 100,
      threadId,
    ]);
    const list = await main(await sedena.get('/es/foros/recientes?unread=1'));
    expect(list).toMatch(new RegExp(`data-thread-id="${threadId}"[\\s\\S]*?40 nuevos`));
    const open = await sedena.get(`/es/foros/hilos/${threadId}`);
    expect(open.status).toBe(302);
    expect(open.headers.get('location')).toBe(`/es/foros/hilos/${threadId}?page=1#post-${ids[0]}`);
    await sedena.get(`/es/foros/hilos/${threadId}?page=1`);
    const next = await sedena.get(`/es/foros/hilos/${threadId}`);
    expect(next.headers.get('location')).toBe(`/es/foros/hilos/${threadId}?page=2#post-${ids[29]}`);
    const page2 = await main(await sedena.get(`/es/foros/hilos/${threadId}?page=2`));
    expect(page2).toContain('Mensajes 31–41 de 41');
    expect(page2).toContain('data-testid="first-unread"');
    // A permalink to post 35 lands on page 2 whatever page one reads.
    expect((await sedena.get(`/es/foros/mensajes/${ids[33]}`)).headers.get('location')).toBe(
      `/es/foros/hilos/${threadId}?page=2#post-${ids[33]}`,
    );
  });

  it('answers each page under its own language’s address, and the switch opens the same page in the other', async () => {
    const fgr = await signedIn('analyst.fgr@demo.test', 'es');
    const [t] = await sql("SELECT id FROM threads WHERE title LIKE 'Rastreo de fusiles AK%'");
    const id = Number(t!.id);
    const es = await fgr.get(`/es/foros/hilos/${id}?page=1`);
    expect(await es.text()).toMatch(new RegExp(`href="/en/forums/threads/${id}\\?page=1"[^>]*data-testid="lang-switch"`));
    const en = await fgr.get(`/en/forums/threads/${id}?page=1`);
    expect(await en.text()).toMatch(new RegExp(`href="/es/foros/hilos/${id}\\?page=1"[^>]*data-testid="lang-switch"`));
    const mixed = await fgr.get(`/en/foros/hilos/${id}?page=1`);
    expect(mixed.status).toBe(301);
    expect(mixed.headers.get('location')).toBe(`/en/forums/threads/${id}?page=1`);
    expect((await fgr.get('/es/forums/latest')).headers.get('location')).toBe('/es/foros/recientes');
    expect((await fgr.get('/es/foros/categoria/no-existe')).status).toBe(404);
    expect((await fgr.get('/es/foros/hilos/99999999')).status).toBe(404);
  });
});

const PAYLOADS = {
  title: `<script>alert('t')</script><img src=x onerror=alert('t')>`,
  body: [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(2)>',
    '[click](javascript:alert(3))',
    '<a href="javascript:alert(4)">a</a>',
    '<svg onload=alert(5)><circle /></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '**bold** <b onmouseover="alert(6)">b</b>',
  ].join('\n\n'),
};

describe('member text stays inert on every page', () => {
  it('renders titles, bodies, quotes and mentions carrying script, handlers, javascript: URLs and SVG as text', async () => {
    const atf = await signedIn('agent.atf@demo.test', 'en');
    const fgr = await signedIn('analyst.fgr@demo.test', 'es');
    const { threadId, postId } = await createThread(
      atf,
      threadForm({
        categoryId: String(await categoryId('general')),
        title: `XSS ${PAYLOADS.title}`,
        lang: 'en',
        postBody: `${PAYLOADS.body}\n\n@lucia.ramirez.ochoa<script>alert(7)</script>`,
      }),
      'en',
    );
    // A quote of the payload post, and a tag that tries markup is refused by name.
    const quoted = await reply(fgr, threadId, `> **<img src=x onerror=alert(8)>:**\n> ${PAYLOADS.body.split('\n')[0]}\n\nCito`, {
      quoted: String(postId),
    });
    expect(quoted.status).toBe(303);
    const tag = await fgr.post(
      '/es/foros/nuevo?_action=createThread',
      threadForm({ categoryId: String(await categoryId('general')), title: 'Etiqueta peligrosa', postBody: 'x', tags: '<script>' }),
    );
    expect(await main(tag)).toContain('no es válida: use letras, números y guiones');
    // An edit keeps the payload as an earlier version (its page is for the author and moderators).
    expect(
      (
        await atf.post(`/en/forums/posts/${postId}/edit?_action=editPost`, {
          postId: String(postId),
          postBody: `${PAYLOADS.body}\n\n@lucia.ramirez.ochoa<script>alert(7)</script>\n\nEdited`,
        })
      ).status,
    ).toBe(303);
    const cbp = await signedIn('moderator.cbp@demo.test', 'en');
    const revisions = await cbp.get(`/en/forums/posts/${postId}/revisions`);
    expect(revisions.status).toBe(200);
    const revisionsHtml = await main(revisions);
    expect(revisionsHtml).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(activeContent(revisionsHtml)).toEqual([]);
    const pages = [
      `/es/foros/hilos/${threadId}?page=1`,
      `/en/forums/threads/${threadId}?page=1`,
      '/es/foros/recientes',
      '/es/foros/categoria/general',
      '/es/foros',
      '/es/foros/buscar?q=alert',
      '/es/notifications',
    ];
    for (const path of pages) {
      const res = await fgr.get(path);
      expect(res.status, path).toBe(200);
      const html = await main(res);
      expect(activeContent(html), path).toEqual([]);
    }
    const page = await main(await fgr.get(`/es/foros/hilos/${threadId}?page=1`));
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('<strong>bold</strong>');
    expect(page).toContain('<span class="portal-mention">@lucia.ramirez.ochoa</span>');
    const notes = await main(await fgr.get('/es/notifications'));
    expect(notes).toContain('XSS &lt;script&gt;');
    expect(activeContent(notes)).toEqual([]);
  });
});

describe('forum e-mail through SMTP', () => {
  let mail: MailCatcher;
  let server: RunningServer;
  let received: ReceivedMail[] = [];

  beforeAll(async () => {
    mail = await startMailCatcher();
    received = mail.received;
    server = await startServer({ SMTP_URL: mail.url, DEMO_SEIZURES: '50' });
  });
  afterAll(async () => {
    await server?.stop();
    await mail?.close();
  });

  it('mails a mention in the recipient’s language, as plain text in which markup is inert', async () => {
    const sspc = await signedIn('editor.sspc@demo.test', 'es', server.baseUrl);
    const cat = Number((await sql("SELECT id FROM thread_categories WHERE slug = 'casos-conjuntos'", [], server.databaseUrl))[0]!.id);
    const { threadId, postId } = await createThread(
      sspc,
      threadForm(
        {
          categoryId: String(cat),
          title: `Correo ${PAYLOADS.title}`,
          postBody: 'Hola @kevin.alvarado, ¿puede revisar?',
          audience: 'agencies',
        },
        ['CBP'],
      ),
    );
    const forCbp = () => received.find((m) => m.to === 'moderator.cbp@demo.test' && m.text.includes(`/en/forums/posts/${postId}`));
    await expect.poll(forCbp, { timeout: 15_000 }).toBeTruthy();
    const mail = forCbp()!;
    expect(mail.text).toContain('Content-Language: en-US');
    expect(mail.text).toContain('Mariana Escobedo (SSPC) mentioned you in “Correo <script>');
    expect(mail.text).toContain('Handling code: H1');
    expect(mail.text).toMatch(/Content-Type: text\/plain/);
    expect(mail.text).not.toMatch(/Content-Type: text\/html/);
    // Nobody outside SSPC and CBP hears of it (of what has arrived by now).
    expect(
      received
        .filter((m) => m.text.includes(`/posts/${postId}`) || m.text.includes(`/threads/${threadId}`))
        .every((m) => m.to === 'moderator.cbp@demo.test'),
    ).toBe(true);
  });
});
