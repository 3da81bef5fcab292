/**
 * The portal with MEILISEARCH_URL set, end to end over HTTP: `npm run search:reindex` builds the
 * index, searches go to Meilisearch, an import while Meilisearch is down is committed and found
 * (FTS5 answers), the admin page shows the backlog, and the server's worker drains it when
 * Meilisearch is back. Meilisearch is the local stand-in of tests/helpers/fake-meilisearch.ts
 * (no real server can be installed here; the contract suite runs against one when available).
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeMeilisearch, type FakeMeilisearch } from '#tests/helpers/fake-meilisearch.ts';
import { HttpClient } from '#tests/helpers/http.ts';
import { startServer, TEST_PASSWORD, type RunningServer } from '#tests/helpers/start-server.ts';

let fake: FakeMeilisearch;
let server: RunningServer;
let env: Record<string, string>;

function runScript(script: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { env: { ...process.env, ...env, DATABASE_URL: server.databaseUrl } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

async function as(email: string): Promise<HttpClient> {
  const c = new HttpClient(server.baseUrl);
  expect((await c.signIn(email, TEST_PASSWORD)).status).toBe(303);
  return c;
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const searches = () =>
  fake.requests.filter((r) => r.method === 'POST' && (r.path === '/indexes/seizures/search' || r.path === '/multi-search')).length;
const threadSearches = () => fake.requests.filter((r) => r.method === 'POST' && r.path === '/indexes/thread_posts/search').length;
const readiness = async () => {
  const res = await fetch(`${server.baseUrl}/readyz`);
  return {
    status: res.status,
    body: (await res.json()) as {
      status: string;
      search: { engine: string; status: string };
      outbox: {
        status: string;
        engine: string;
        kinds?: Record<string, { pending: number; oldestSeconds: number | null }>;
        reason?: string;
      };
    },
  };
};

const HEADER =
  'reference,date,state,agency,case_file,summary_es,summary_en,visibility,firearm_type,manufacturer,model,calibre,serial,obliterated_serial,trace_status';
const DURING_OUTAGE = [
  HEADER,
  'OUT-0001,2026-02-10,Coahuila,SSPC,SSPC/OUT/0001/2026,Aseguramiento en Piedras Negras durante la caída,Seizure in Piedras Negras,members,rifle,Colt,AR-15,5.56x45,Q7XW100001,no,requested',
  'OUT-0002,2026-02-11,Coahuila,SSPC,SSPC/OUT/0002/2026,Segundo aseguramiento en Piedras Negras,Second seizure in Piedras Negras,members,pistol,Glock,19,9mm,Q7XW100002,no,requested',
].join('\n');

beforeAll(async () => {
  fake = await startFakeMeilisearch('integration-master-key');
  env = {
    MEILISEARCH_URL: fake.url,
    MEILISEARCH_KEY: 'integration-master-key',
    // Outages here are refused connections (instant); a short timeout only made a slow answer on a busy machine read as "degraded".
    MEILISEARCH_TIMEOUT_MS: '5000',
    // A forum change not in Meilisearch after 1 s makes the process not ready (the default is 600 s).
    SEARCH_OUTBOX_MAX_AGE_SECONDS: '1',
    DEMO_SEIZURES: '150',
  };
  server = await startServer(env);
  const reindex = await runScript('scripts/search-reindex.ts');
  expect(reindex.code, reindex.output).toBe(0);
  expect(reindex.output).toMatch(/meilisearch: 150 seizure documents in a new "seizures"/);
  expect(reindex.output).toMatch(/meilisearch: \d+ thread_post documents in a new "thread_posts"/);
  // The running server's outbox worker may be pushing some of the same rows: the reindex waits for it.
  expect(reindex.output).not.toMatch(/still pending/);
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await fake?.stop();
});

describe('the portal on Meilisearch', () => {
  it('answers searches from Meilisearch once the index is built and up to date', async () => {
    const admin = await as('admin@demo.test');
    expect(fake.docs('seizures')).toHaveLength(150);
    // The outbox rows written while seeding were replayed by the reindex: nothing pending.
    const page = await (await admin.get('/en/admin/search')).text();
    expect(page).toContain('150 of 150 in the database');
    expect(page).toMatch(/Changes waiting to be pushed<\/dt>\s*<dd[^>]*>None/);
    expect(page).toContain('Meilisearch answers and is up to date.');
    const before = searches();
    const res = await admin.get('/es/seizures?q=reynosa');
    expect(res.status).toBe(200);
    expect(searches()).toBe(before + 1);
    // A glossary term (fusil: rifle, carabina…) and an OR are answered by Meilisearch too.
    const rifles = await (await admin.get('/es/seizures?q=fusiles+OR+carabina')).text();
    expect(searches()).toBe(before + 2);
    expect(rifles).toMatch(/<mark>[^<]*(fusil|rifle|carabina)/i);
    expect(await readiness()).toEqual({
      status: 200,
      body: {
        status: 'ok',
        database: 'ok',
        search: { engine: 'meilisearch', status: 'ok' },
        outbox: { status: 'ok', engine: 'meilisearch', kinds: { thread_post: { pending: 0, oldestSeconds: null } } },
      },
    });
  });

  it('answers thread search from Meilisearch, with the reader’s access in the filter, and follows a hidden post', async () => {
    expect(fake.docs('thread_posts').length).toBeGreaterThan(10);
    const fgr = await as('analyst.fgr@demo.test');
    const before = threadSearches();
    const found = await (await fgr.get('/es/foros/buscar?q=reynosa')).text();
    expect(threadSearches()).toBe(before + 1);
    expect(found).toContain('Rastreo de fusiles AK asegurados en Reynosa');
    const request = fake.requests.filter((r) => r.path === '/indexes/thread_posts/search').at(-1)!;
    expect((request.body as { filter: string[] }).filter[0]).toBe('scope IN ["public", "members", "country:MX", "agency:FGR"]');
    // A moderator hides a reply: the outbox carries it to Meilisearch and it is found no more.
    const reply = fake.docs('thread_posts').find((d) => String(d.threadTitle).includes('asegurados en Reynosa') && Number(d.seq) > 1);
    expect(reply).toBeDefined();
    const moderator = await as('moderator.cbp@demo.test');
    const path = `/en/forums/threads/${Number(reply!.threadId)}`;
    await moderator.post(`${path}?_action=moderatePost`, { postId: String(reply!.id), action: 'hide_post', reason: 'Test' });
    await waitFor('the hidden post to leave the Meilisearch index', () =>
      Promise.resolve(!fake.docs('thread_posts').some((d) => d.id === reply!.id)),
    );
    expect(await (await fgr.get(`${path}?page=1`)).text()).toContain('Post hidden by a moderator.');
  });

  it('is not ready while forum changes cannot reach Meilisearch (refused too long, or Meilisearch down), and says why', async () => {
    const post = fake.docs('thread_posts').find((d) => Number(d.seq) > 1 && !String(d.threadTitle).includes('asegurados en Reynosa'));
    expect(post).toBeDefined();
    const moderator = await as('moderator.cbp@demo.test');
    const path = `/en/forums/threads/${Number(post!.threadId)}`;
    // Meilisearch refuses the change: it waits in the outbox and grows older than the 1 s allowed.
    fake.failTasks = (task) => (task.indexUid === 'thread_posts' ? { code: 'internal', message: 'injected failure' } : null);
    await moderator.post(`${path}?_action=moderatePost`, { postId: String(post!.id), action: 'hide_post', reason: 'Readiness' });
    await waitFor('readiness to name the old forum change', async () => (await readiness()).status === 503);
    const refused = await readiness();
    expect(refused.body.status).toBe('down');
    expect(refused.body.outbox).toMatchObject({ status: 'down', engine: 'meilisearch', kinds: { thread_post: { pending: 1 } } });
    expect(refused.body.outbox.reason).toMatch(/^1 forum post change\(s\) waiting, the oldest for \d+ s \(limit 1 s\)$/);
    // The body names parts and states, never the injected error or the server's address.
    expect(JSON.stringify(refused.body)).not.toMatch(/injected|127\.0\.0\.1/);

    // Meilisearch down while the change waits: not ready, and the reason says so first.
    await fake.down();
    const down = await readiness();
    expect(down.status).toBe(503);
    expect(down.body.outbox.reason).toMatch(
      /^Meilisearch does not answer while 1 forum post change\(s\) wait; 1 forum post change\(s\) waiting/,
    );

    // Back and accepting: the change is pushed and the process is ready again.
    await fake.up();
    fake.failTasks = null;
    const admin = await as('admin@demo.test');
    await admin.post('/en/admin/search?_action=pushSearchBacklog', {});
    await waitFor('readiness to come back', async () => (await readiness()).status === 200);
    expect((await readiness()).body.outbox).toEqual({
      status: 'ok',
      engine: 'meilisearch',
      kinds: { thread_post: { pending: 0, oldestSeconds: null } },
    });
    expect(fake.docs('thread_posts').some((d) => d.id === post!.id)).toBe(false);
  });

  it('commits an import while Meilisearch is down, finds it through FTS5, and catches up when it is back', async () => {
    await fake.down();
    const editor = await as('editor.sspc@demo.test');
    const form = new FormData();
    form.set('file', new Blob([DURING_OUTAGE], { type: 'text/csv' }), 'caida.csv');
    form.set('mode', 'import');
    const html = await (await editor.postMultipart('/es/seizures/import?_action=importSeizures', form)).text();
    expect(html, html.slice(0, 2000)).toContain('Importación completa: 2 aseguramientos nuevos');

    const admin = await as('admin@demo.test');
    const found = await (await admin.get('/es/seizures?q=Q7XW100001')).text();
    expect(found).toContain('OUT-0001');
    const status = await (await admin.get('/es/admin/search')).text();
    expect(status).toMatch(/Cambios pendientes de enviar<\/dt>\s*<dd[^>]*>2, el más antiguo del/);
    // Still ready (FTS5 answers), but the engine is reported degraded.
    expect(await readiness()).toMatchObject({
      status: 200,
      body: { status: 'degraded', search: { engine: 'meilisearch', status: 'degraded' } },
    });
    expect(status).toContain('las búsquedas se contestan con el índice integrado (FTS5)');

    await fake.up();
    await waitFor('the worker to push the backlog', () => Promise.resolve(fake.docs('seizures').some((d) => d.reference === 'OUT-0002')));
    await waitFor('the backlog to be empty', async () => /Ninguno/.test(await (await admin.get('/es/admin/search')).text()));
    const before = searches();
    const after = await (await admin.get('/en/seizures?q=Q7XW100002')).text();
    expect(searches()).toBe(before + 1);
    expect(after).toContain('OUT-0002');
  });

  it('lets an admin push the backlog now, and shows the page to admins only', async () => {
    const admin = await as('admin@demo.test');
    const pushed = await admin.post('/en/admin/search?_action=pushSearchBacklog', {});
    expect(await pushed.text()).toContain('Pushed: 0. Failed: 0.');
    const member = await as('agent.atf@demo.test');
    expect((await member.get('/en/admin/search')).status).toBe(404);
    expect((await member.post('/en/admin/search?_action=pushSearchBacklog', {})).status).toBe(404);
  });
});
