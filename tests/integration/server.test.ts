// Our HTTP server around the built portal (src/server/http/, scripts/serve.ts): static files and
// their caching, compression, security headers on what it writes itself, a process per core, and
// a graceful stop that lets a request in flight finish and closes the database.
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { createClient } from '@libsql/client';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startServer, TEST_PASSWORD, type RunningServer } from '#tests/helpers/start-server.ts';

const baseUrl = inject('baseUrl');

/** A GET on a new connection (no keep-alive), so that the cluster hands each to the next process. */
function getRaw(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function stylesheetPath(): Promise<string> {
  const html = await (await fetch(`${baseUrl}/es/`)).text();
  // The bundle is named after its first module (it changes as the layout's imports do).
  const href = /href="(\/_astro\/[^"]+\.css)"/.exec(html)?.[1];
  expect(href, 'the home page links its stylesheet').toBeDefined();
  return href as string;
}

describe('static files', () => {
  it('sends fingerprinted assets as immutable for a year, precompressed with Brotli or gzip, with the security headers', async () => {
    const path = await stylesheetPath();
    const plain = await getRaw(`${baseUrl}${path}`);
    expect(plain.status).toBe(200);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(plain.headers['x-content-type-options']).toBe('nosniff');
    const css = plain.body.toString();
    expect(css).toContain('.usa-banner');

    const br = await getRaw(`${baseUrl}${path}`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toContain('Accept-Encoding');
    expect(br.body.length).toBeLessThan(plain.body.length / 4);
    expect(brotliDecompressSync(br.body).toString()).toBe(css);

    const gz = await getRaw(`${baseUrl}${path}`, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(css);
  });

  it('answers a repeated request with 304 when the file has not changed', async () => {
    const path = await stylesheetPath();
    const first = await getRaw(`${baseUrl}${path}`);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^W\/"/);
    expect((await getRaw(`${baseUrl}${path}`, { 'if-none-match': etag })).status).toBe(304);
  });

  it('gives files that are not fingerprinted a short life', async () => {
    const robots = await getRaw(`${baseUrl}/robots.txt`);
    expect(robots.status).toBe(200);
    expect(robots.headers['cache-control']).toBe('public, max-age=3600');
    expect(robots.body.toString()).toContain('User-agent');
  });
});

describe('health', () => {
  it('answers liveness, and readiness with the database and the search engine', async () => {
    const live = await fetch(`${baseUrl}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.text()).toContain('ok');
    const ready = await fetch(`${baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect(await ready.json()).toEqual({
      status: 'ok',
      database: 'ok',
      search: { engine: 'fts5', status: 'ok' },
      outbox: { status: 'ok', engine: 'fts5' },
    });
  });
});

describe('pages', () => {
  it('are compressed when the client accepts it, and carry a request id', async () => {
    const page = await getRaw(`${baseUrl}/en/bulletins`, { 'accept-encoding': 'br' });
    expect(page.status).toBe(200);
    expect(page.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(page.body).toString()).toContain('<html lang="en"');
    expect(page.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const again = await getRaw(`${baseUrl}/en/bulletins`);
    expect(again.headers['x-request-id']).not.toBe(page.headers['x-request-id']);
    expect(again.headers['content-encoding']).toBeUndefined();
  });

  it("refuses a malformed address with 400 and Node's own refusals (431) with the security headers", async () => {
    const bad = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(baseUrl).port), '127.0.0.1', () => socket.end('GET /es/%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n'));
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(bad).toMatch(/^HTTP\/1\.1 400 /);
    expect(bad).toMatch(/content-security-policy: default-src 'self'/i);

    const huge = await getRaw(`${baseUrl}/es/`, { 'x-filler': 'a'.repeat(20_000), 'x-filler-2': 'a'.repeat(20_000) });
    expect(huge.status).toBe(431);
    expect(huge.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(huge.headers['x-frame-options']).toBe('DENY');
  });
});

describe('process per core and graceful stop', () => {
  let own: RunningServer | undefined;
  afterEach(async () => {
    await own?.stop();
    own = undefined;
  });

  it('serves from every worker process, replaces one that dies, and stops cleanly on SIGTERM', async () => {
    own = await startServer({ WEB_CONCURRENCY: '2', DEMO_SEIZURES: '20' });
    await own.waitForOutput((l) => l.includes('(2 processes)'), 'the listening line');
    const pidsServing = async (count: number) => {
      const seen = new Set<number>();
      for (let i = 0; i < count; i++) {
        const res = await getRaw(`${own?.baseUrl}/healthz`);
        expect(res.status).toBe(200);
        const id = res.headers['x-request-id'];
        const line = await own?.waitForOutput((l) => l.includes(String(id)), `the log line of ${String(id)}`);
        seen.add((JSON.parse(line ?? '{}') as { pid: number }).pid);
      }
      return seen;
    };
    const first = await pidsServing(6);
    expect(first.size).toBe(2);
    expect(first.has(own.child.pid ?? 0)).toBe(false);

    // A worker killed outright (as the kernel's OOM killer would) is replaced.
    const [victim] = first;
    process.kill(victim ?? 0, 'SIGKILL');
    await own.waitForOutput((l) => l.includes('server process died'), 'the restart line');
    const listening = (l: string) => l.includes('server process listening') && !first.has((JSON.parse(l) as { pid: number }).pid);
    await own.waitForOutput(listening, 'the replacement listening');
    const later = await pidsServing(6);
    expect(later.size).toBe(2);
    expect(later.has(victim ?? 0)).toBe(false);

    expect(await own.stop()).toBe(0);
    expect(own.output()).toContain('stopping: letting requests in flight finish');
    own = undefined;
    // Two server processes start twice over while other test files run beside this one: a safety net, not a speed test.
  }, 120_000);

  it('finishes a request in flight when told to stop, refuses new connections, and closes the database', async () => {
    own = await startServer({ DEMO_SEIZURES: '20', LOG_LEVEL: 'debug' });
    const { port } = new URL(own.baseUrl);
    // A member: the demo admin's sign-in would stop at the second factor (issue 8).
    const body = new URLSearchParams({ email: 'analyst.fgr@demo.test', password: TEST_PASSWORD, next: '' }).toString();
    const half = Math.floor(body.length / 2);

    // A sign-in whose body arrives in two parts: the server is inside the request when SIGTERM comes.
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(
      `POST /es/sign-in?_action=signIn HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${own.baseUrl}\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, half)}`,
    );
    await own.waitForOutput((l) => l.includes('"request started"') && l.includes('/es/sign-in'), 'the start of the sign-in');

    const exited = new Promise<number | null>((resolve) => own?.child.once('exit', (code) => resolve(code)));
    own.child.kill('SIGTERM');
    await own.waitForOutput((l) => l.includes('stopping'), 'the stopping line');
    await expect(fetch(`${own.baseUrl}/healthz`)).rejects.toThrow();

    socket.write(body.slice(half));
    await ended;
    expect(answer).toMatch(/^HTTP\/1\.1 303 /);
    expect(answer).toMatch(/^location: \/es\/?\r?$/im);
    expect(answer).toMatch(/^connection: close\r?$/im);
    expect(await exited).toBe(0);
    expect(own.output()).toContain('stopped: requests finished, database closed');
    // The sign-in that was in flight is in the database, and the file is sound.
    const db = createClient({ url: own.databaseUrl });
    try {
      const sessions = await db.execute(
        "SELECT count(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = 'analyst.fgr@demo.test'",
      );
      expect(Number(sessions.rows[0]?.n)).toBe(1);
      expect((await db.execute('PRAGMA integrity_check')).rows[0]?.[0]).toBe('ok');
    } finally {
      db.close();
    }
  });
});
