import { createClient } from '@libsql/client';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDatabase, restoreDatabase } from '#src/server/backup.ts';
import { seedForTest } from '#tests/helpers/seed.ts';
import { rawClient } from '#src/server/db.ts';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';

let cleanup: () => void;
beforeAll(async () => {
  ({ cleanup } = await useTempDatabase());
  await seedForTest('backup-test-passphrase', { seizures: 50, requests: true });
});
afterAll(() => {
  cleanup();
});

const count = async (url: string, table: string) => {
  const c = createClient({ url });
  try {
    return Number((await c.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);
  } finally {
    c.close();
  }
};

describe('backup and restore', () => {
  it('writes a copy that restores to the same data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'armas-backup-'));
    const copy = await backupDatabase(join(dir, 'copy.db'));
    const live = process.env.DATABASE_URL!;
    for (const table of ['users', 'agencies', 'seizures', 'firearms', 'requests', 'audit_log']) {
      expect(await count(`file:${copy}`, table), table).toBe(await count(live, table));
    }
    // The FTS index comes along: a restored database still searches.
    const restored = await restoreDatabase(copy, `file:${join(dir, 'restored', 'portal.db')}`);
    const c = createClient({ url: `file:${restored}` });
    const hits = await c.execute("SELECT count(*) AS n FROM seizure_fts WHERE seizure_fts MATCH 'michoacan OR jalisco OR sinaloa'");
    c.close();
    expect(Number(hits.rows[0]?.n)).toBeGreaterThan(0);
    expect(await count(`file:${restored}`, 'seizures')).toBe(50);
  });

  it('refuses to overwrite an existing file and to restore a file that is not a database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'armas-backup-'));
    const copy = await backupDatabase(join(dir, 'a.db'));
    await expect(backupDatabase(copy)).rejects.toThrow(/exists already/);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'junk.db'), 'not a database');
    await expect(restoreDatabase(join(dir, 'junk.db'), `file:${join(dir, 'x.db')}`)).rejects.toThrow();
    expect((await rawClient().execute('SELECT 1 AS one')).rows[0]?.one).toBe(1);
  });
});
