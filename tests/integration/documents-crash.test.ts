/**
 * kill -9 of the server in the middle of an upload: no document row, and nothing the sweeper
 * (`npm run documents:purge`) does not clean.
 */
import { createClient } from '@libsql/client';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '#tests/helpers/http.ts';
import { storedObjects } from '#tests/helpers/portal-http.ts';
import { startServer, TEST_PASSWORD, type RunningServer } from '#tests/helpers/start-server.ts';

describe('an upload cut by kill -9', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ DEMO_SEIZURES: '20' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('leaves no row, and the sweeper removes the temp file', async () => {
    // The demo documents are there before the upload, and must be all that is there after it.
    const counts = async () => {
      const db = createClient({ url: server.databaseUrl });
      try {
        return {
          documents: Number((await db.execute('SELECT count(*) AS n FROM documents')).rows[0]?.n),
          blobs: Number((await db.execute('SELECT count(*) AS n FROM blobs')).rows[0]?.n),
        };
      } finally {
        db.close();
      }
    };
    const before = await counts();
    expect(before.documents).toBeGreaterThan(0);
    const objects = () => storedObjects(server.filesDir);
    const objectsBefore = objects();
    const c = new HttpClient(server.baseUrl);
    expect((await c.signIn('agent.atf@demo.test', TEST_PASSWORD, 'en')).status).toBe(303);
    const tmp = join(server.filesDir, 'tmp');
    const boundary = 'killkillkill';
    const url = new URL('/en/documents/new', server.baseUrl);
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: {
        cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        origin: server.baseUrl,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'transfer-encoding': 'chunked',
      },
    });
    req.on('error', () => undefined);
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="grande.txt"\r\nContent-Type: text/plain\r\n\r\n`);
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    // Keep sending until the server has written part of the file to its temp folder.
    const started = Date.now();
    let part: string | undefined;
    while (!part) {
      req.write(chunk);
      await new Promise((r) => setTimeout(r, 20));
      part = existsSync(tmp) ? readdirSync(tmp).find((n) => n.endsWith('.part') && statSync(join(tmp, n)).size > 0) : undefined;
      if (Date.now() - started > 60_000) throw new Error('the upload never reached the temp folder');
    }
    server.child.kill('SIGKILL');
    await new Promise((r) => server.child.once('exit', r));
    req.destroy();

    expect(await counts()).toEqual(before);
    expect(readdirSync(tmp)).toContain(part);
    const sweep = spawnSync(process.execPath, ['scripts/documents-purge.ts'], {
      env: { ...process.env, DATABASE_URL: server.databaseUrl, FILES_DIR: server.filesDir },
      encoding: 'utf8',
    });
    expect(sweep.status, sweep.stderr).toBe(0);
    expect(sweep.stdout).toContain('Swept 1 temp files and 0 stored files without a row.');
    expect(readdirSync(tmp)).toEqual([]);
    expect(objects()).toEqual(objectsBefore);
  });
});
