import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer, TEST_PASSWORD, type RunningServer } from '#tests/helpers/start-server.ts';
import { HttpClient } from '#tests/helpers/http.ts';

// A server with a request time limit far below what the dashboard needs to compute its figures
// and draw its charts (1 ms), and the internal metrics on: such pages get the translated 503 page,
// the metrics endpoint still answers.
let server: RunningServer;
let es: HttpClient;
let en: HttpClient;

beforeAll(async () => {
  server = await startServer({ REQUEST_TIME_LIMIT_MS: '1', INTERNAL_METRICS: '1' }, '/internal/metrics.json');
  es = new HttpClient(server.baseUrl);
  expect((await es.signIn('analyst.fgr@demo.test', TEST_PASSWORD)).status).toBe(303);
  en = new HttpClient(server.baseUrl);
  expect((await en.signIn('agent.atf@demo.test', TEST_PASSWORD, 'en')).status).toBe(303);
});
afterAll(() => server?.stop());

describe('request time limit', () => {
  it('answers a page that is not ready in time with the 503 page in Spanish', async () => {
    // Sign-in (a form post) was not cut: only reads are.
    const res = await es.get('/es/seizures/dashboard?state=MX-TAM');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('<h1>El portal está muy ocupado</h1>');
    expect(html).toContain('Espere unos segundos y vuelva a intentarlo.');
    // "Try again" leads back to the same page with its query.
    expect(html).toContain('<a href="/es/seizures/dashboard?state=MX-TAM">Intentar de nuevo</a>');
  });

  it('and in English on an English page', async () => {
    const res = await en.get('/en/seizures/dashboard?state=MX-SON');
    expect(res.status).toBe(503);
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<h1>The portal is very busy</h1>');
    expect(html).toContain('<a href="/en/seizures/dashboard?state=MX-SON">Try again</a>');
  });
});

describe('internal metrics', () => {
  it('reports memory, event-loop delay and main-thread CPU per loop turn of the answering process when INTERNAL_METRICS is on', async () => {
    await fetch(`${server.baseUrl}/internal/metrics.json?reset=1`);
    await new Promise((r) => setTimeout(r, 100));
    const m = (await (await fetch(`${server.baseUrl}/internal/metrics.json`)).json()) as {
      pid: number;
      memory: { rssMb: number; heapUsedMb: number };
      eventLoopDelay: { p99: number; max: number; samples: number } | null;
      eventLoopCpuBlock: { p99: number; max: number; samples: number } | null;
      pagesInFlight: number | null;
    };
    expect(m.pid).toBe(server.child.pid);
    // The metrics request itself is not counted among the pages in flight.
    expect(m.pagesInFlight).toBe(0);
    expect(m.memory.rssMb).toBeGreaterThan(m.memory.heapUsedMb);
    expect(m.eventLoopDelay?.samples).toBeGreaterThan(0);
    expect(m.eventLoopDelay?.max).toBeGreaterThanOrEqual(m.eventLoopDelay?.p99 ?? 0);
    // The main thread's CPU between ticks of the same 10 ms clock (the delay without the machine's share).
    expect(m.eventLoopCpuBlock?.samples).toBeGreaterThan(0);
    expect(m.eventLoopCpuBlock?.max).toBeGreaterThanOrEqual(m.eventLoopCpuBlock?.p99 ?? 0);
  });

  it('does not exist on a server without the setting', async () => {
    const res = await fetch(`${inject('baseUrl')}/internal/metrics.json`);
    expect(res.status).toBe(404);
  });
});

describe('requests in flight per process', () => {
  // A cap of one: a form post whose body has not finished arriving keeps the only place taken.
  let capped: RunningServer;
  beforeAll(async () => {
    capped = await startServer({ MAX_REQUESTS_IN_FLIGHT: '1', INTERNAL_METRICS: '1' });
  });
  afterAll(() => capped?.stop());

  /** Opens a sign-in post and sends only part of its body: the server works on it until the socket goes. */
  const holdARequest = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const { hostname, port } = new URL(capped.baseUrl);
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          `POST /es/sign-in?_action=signIn HTTP/1.1\r\nHost: ${hostname}:${port}\r\nOrigin: ${capped.baseUrl}\r\n` +
            'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\nemail=',
        );
        resolve(socket);
      });
      socket.on('error', reject);
    });

  /** What the capped server counts as in flight right now (its metrics endpoint is not counted). */
  const pagesInFlight = async (): Promise<number | null> =>
    ((await (await fetch(`${capped.baseUrl}/internal/metrics.json`)).json()) as { pagesInFlight: number | null }).pagesInFlight;

  /** Waits until the server counts `n` requests in flight (a response's place is freed when its connection says it is done, a moment after the client has read it). */
  async function untilInFlight(n: number): Promise<void> {
    while ((await pagesInFlight()) !== n) await new Promise((r) => setTimeout(r, 20));
  }

  /** Asks for `path` until the answer's status is `status`. */
  async function untilStatus(path: string, status: number): Promise<Response> {
    for (;;) {
      const res = await fetch(`${capped.baseUrl}${path}`, { redirect: 'manual' });
      if (res.status === status) return res;
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it("answers beyond the cap at once with the busy page in the reader's language, and serves again once a place is free", async () => {
    // The readiness request's place is free before the held post comes (else the post itself is refused).
    await untilInFlight(0);
    const held = await holdARequest();
    try {
      // The held post reaches the server asynchronously: from then on it keeps the only place.
      await untilInFlight(1);
      const es = await fetch(`${capped.baseUrl}/es/glossary?letter=a`);
      expect(es.status).toBe(503);
      expect(es.headers.get('retry-after')).toBe('5');
      expect(es.headers.get('cache-control')).toBe('no-store');
      expect(es.headers.get('content-security-policy')).toContain("default-src 'self'");
      const esHtml = await es.text();
      expect(esHtml).toContain('<html lang="es">');
      expect(esHtml).toContain('<h1>El portal está muy ocupado</h1>');
      expect(esHtml).toContain('<a href="/es/glossary?letter=a">Intentar de nuevo</a>');

      const en = await fetch(`${capped.baseUrl}/en/bulletins`);
      expect(en.status).toBe(503);
      const enHtml = await en.text();
      expect(enHtml).toContain('<html lang="en">');
      expect(enHtml).toContain('<h1>The portal is very busy</h1>');
      expect(enHtml).toContain('<a href="/en/bulletins">Try again</a>');

      // Before any language prefix: the browser's language.
      const root = await fetch(`${capped.baseUrl}/`, { headers: { 'accept-language': 'en-US,en;q=0.9' }, redirect: 'manual' });
      expect(root.status).toBe(503);
      expect(await root.text()).toContain('<h1>The portal is very busy</h1>');

      // The refused post was not worked on: right password, yet no session cookie.
      const refused = await fetch(`${capped.baseUrl}/en/sign-in?_action=signIn`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: capped.baseUrl },
        body: new URLSearchParams({ email: 'agent.atf@demo.test', password: TEST_PASSWORD, next: '' }),
        redirect: 'manual',
      });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('set-cookie')).toBeNull();
      await refused.body?.cancel();

      // Static files are not counted, nor the metrics endpoint.
      const robots = await fetch(`${capped.baseUrl}/robots.txt`);
      expect(robots.status).toBe(200);
      await robots.body?.cancel();
      const metrics = await fetch(`${capped.baseUrl}/internal/metrics.json`);
      expect(metrics.status).toBe(200);
      await metrics.body?.cancel();
    } finally {
      held.destroy();
    }
    // The held request is gone: its place is free again.
    const after = await untilStatus('/en/bulletins', 200);
    expect(await after.text()).toContain('<html lang="en"');
  });
});
