import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A server whose database cannot be opened (a path below a regular file): every page that needs
// the database fails, and the reader gets the translated 500 page with status 500.
let child: ChildProcess;
let baseUrl = '';

beforeAll(async () => {
  const port = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
  child = spawn(process.execPath, ['dist/server/entry.mjs'], {
    env: { ...process.env, DATABASE_URL: 'file:/etc/hostname/broken.db', HOST: '127.0.0.1', PORT: String(port) },
    stdio: 'ignore',
  });
  baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${baseUrl}/healthz`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});
afterAll(() => {
  child?.kill('SIGTERM');
});

describe('server errors', () => {
  it('answers with the translated 500 page in each language', async () => {
    const es = await fetch(`${baseUrl}/es/bulletins/conferencia-phoenix-2009`);
    expect(es.status).toBe(500);
    expect(await es.text()).toContain('<title>Error del servidor · Armas Cruzadas</title>');
    const en = await fetch(`${baseUrl}/en/bulletins/conferencia-phoenix-2009`);
    expect(en.status).toBe(500);
    const html = await en.text();
    expect(html).toContain('<html lang="en"');
    expect(html).toContain('Something went wrong on our side.');
    expect(en.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('reports the database as unavailable on the health check', async () => {
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(503);
  });
});
