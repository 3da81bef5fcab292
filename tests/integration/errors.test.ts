import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchServer, type RunningServer } from '#tests/helpers/start-server.ts';

// A server whose database cannot be opened (a path below a regular file): every page that needs
// the database fails, and the reader gets the translated 500 page with status 500.
let server: Omit<RunningServer, 'databaseUrl'>;

beforeAll(async () => {
  // launchServer throws (and this file fails) if the server never answers.
  server = await launchServer({ DATABASE_URL: 'file:/etc/hostname/broken.db' }, { readyPath: '/readyz', readyStatus: (s) => s === 503 });
});
afterAll(async () => {
  await server?.stop();
});

describe('server errors', () => {
  it('answers with the translated 500 page in each language', async () => {
    const es = await fetch(`${server.baseUrl}/es/bulletins/conferencia-phoenix-2009`);
    expect(es.status).toBe(500);
    expect(await es.text()).toContain('<title>Error del servidor · Armas Cruzadas</title>');
    const en = await fetch(`${server.baseUrl}/en/bulletins/conferencia-phoenix-2009`);
    expect(en.status).toBe(500);
    const html = await en.text();
    expect(html).toContain('<html lang="en"');
    expect(html).toContain('Something went wrong on our side.');
    expect(en.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('stays alive (/healthz) but not ready (/readyz), naming the database as down', async () => {
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.baseUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: 'down',
      database: 'down',
      search: { engine: 'unknown', status: 'down' },
      outbox: { status: 'down', engine: 'unknown' },
    });
  });
});
