/**
 * What the HTTP tests of one feature share: SQL on the test server's database, a member signed in
 * to it, and a look at its file store. Values default to the file's own server (tests/helpers/
 * file-server.ts gives it one when the test file itself calls `inject(...)`); a file that starts
 * servers of its own passes their address and database.
 */
import { createClient, type InValue } from '@libsql/client';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, inject } from 'vitest';
import { HttpClient } from './http.ts';

/** The rows of one statement on the server's database (a connection of its own, closed after). */
export async function sql(query: string, args: InValue[] = [], url = inject('databaseUrl')) {
  const db = createClient({ url });
  try {
    return (await db.execute({ sql: query, args })).rows;
  } finally {
    db.close();
  }
}

/** A demo member signed in with the demo password (the sign-in must succeed). */
export async function signedIn(email: string, lang: 'es' | 'en' = 'es', url = inject('baseUrl')): Promise<HttpClient> {
  const c = new HttpClient(url);
  const res = await c.signIn(email, inject('demoPassword'), lang);
  expect(res.status, `sign-in ${email}`).toBe(303);
  return c;
}

export const sha256Hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** The names (SHA-256) of every object in the server's local file store, sorted. */
export function storedObjects(filesDir = inject('filesDir')): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else out.push(e.name);
    }
  };
  walk(join(filesDir, 'sha256'));
  return out.sort();
}

/** Uploads still streaming in (or left behind) in the store's temp folder. */
export function tempFiles(filesDir = inject('filesDir')): string[] {
  return existsSync(join(filesDir, 'tmp')) ? readdirSync(join(filesDir, 'tmp')) : [];
}
