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
  it('reports memory and event-loop delay of the answering process when INTERNAL_METRICS is on', async () => {
    await fetch(`${server.baseUrl}/internal/metrics.json?reset=1`);
    await new Promise((r) => setTimeout(r, 100));
    const m = (await (await fetch(`${server.baseUrl}/internal/metrics.json`)).json()) as {
      pid: number;
      memory: { rssMb: number; heapUsedMb: number };
      eventLoopDelay: { p99: number; max: number; samples: number } | null;
    };
    expect(m.pid).toBe(server.child.pid);
    expect(m.memory.rssMb).toBeGreaterThan(m.memory.heapUsedMb);
    expect(m.eventLoopDelay?.samples).toBeGreaterThan(0);
    expect(m.eventLoopDelay?.max).toBeGreaterThanOrEqual(m.eventLoopDelay?.p99 ?? 0);
  });

  it('does not exist on a server without the setting', async () => {
    const res = await fetch(`${inject('baseUrl')}/internal/metrics.json`);
    expect(res.status).toBe(404);
  });
});
