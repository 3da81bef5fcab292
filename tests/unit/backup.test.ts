import { createClient } from '@libsql/client';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDatabase, backupPortal, restoreDatabase, restorePortal, verifyBackup } from '#src/server/backup.ts';
import { blobKey, fileStore } from '#src/server/storage/index.ts';
import { reloadConfig } from '#src/server/config.ts';
import { seedDemoDocuments } from '#src/server/documents/demo.ts';
import { seedForTest } from '#tests/helpers/seed.ts';
import { rawClient } from '#src/server/db.ts';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';

let cleanup: () => void;
let liveFiles: string;
beforeAll(async () => {
  ({ cleanup } = await useTempDatabase());
  liveFiles = process.env.FILES_DIR!;
  await seedForTest('backup-test-passphrase', { seizures: 50, requests: true });
  await seedDemoDocuments();
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

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function readStored(key: string): Promise<Buffer | null> {
  const stream = await fileStore().get(key);
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('backup of the whole portal: database, file store and checksum manifest', () => {
  it('copies every stored file the documents use, lists it in SHA256SUMS, and restores it into an empty store', async () => {
    const live = process.env.DATABASE_URL!;
    const blobs = (await rawClient().execute('SELECT sha256, has_thumbnail FROM blobs ORDER BY sha256')).rows;
    // The demo documents: PDFs, spreadsheets, an image with its thumbnail.
    expect(blobs.length).toBeGreaterThanOrEqual(8);
    expect(blobs.some((b) => Number(b.has_thumbnail) === 1)).toBe(true);

    const dir = join(mkdtempSync(join(tmpdir(), 'armas-backup-')), 'portal-full');
    const report = await backupPortal(dir);
    expect(report.missing).toEqual([]);
    expect(report.objects).toBe(blobs.length + blobs.filter((b) => Number(b.has_thumbnail) === 1).length);
    const manifest = readFileSync(join(dir, 'SHA256SUMS'), 'utf8').trim().split('\n');
    expect(manifest).toContain(`${sha256Of(readFileSync(join(dir, 'portal.db')))}  portal.db`);
    for (const b of blobs) expect(manifest).toContain(`${String(b.sha256)}  files/sha256/${String(b.sha256)}`);
    expect(existsSync(`${dir}.partial`)).toBe(false);
    expect((await verifyBackup(dir)).length).toBe(manifest.length);

    // Restore into a new database and an empty file store.
    const target = mkdtempSync(join(tmpdir(), 'armas-restore-'));
    process.env.FILES_DIR = join(target, 'files');
    reloadConfig();
    try {
      const restored = await restorePortal(dir, `file:${join(target, 'portal.db')}`);
      expect(restored.missing).toEqual([]);
      for (const b of blobs) {
        const bytes = await readStored(blobKey(String(b.sha256)));
        expect(bytes && sha256Of(bytes), String(b.sha256)).toBe(String(b.sha256));
      }
      expect(await count(`file:${restored.database}`, 'documents')).toBe(await count(live, 'documents'));
      expect(await count(`file:${restored.database}`, 'document_versions')).toBe(await count(live, 'document_versions'));
    } finally {
      process.env.FILES_DIR = liveFiles;
      reloadConfig();
    }
  });

  it('refuses to restore a backup whose file does not match its checksum, naming the file, and changes nothing', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'armas-backup-')), 'portal-bad');
    await backupPortal(dir);
    const [victim] = readdirSync(join(dir, 'files', 'sha256'));
    appendFileSync(join(dir, 'files', 'sha256', victim!), 'x');
    await expect(verifyBackup(dir)).rejects.toThrow(`files/sha256/${victim} does not match its checksum`);
    const target = mkdtempSync(join(tmpdir(), 'armas-restore-'));
    process.env.FILES_DIR = join(target, 'files');
    reloadConfig();
    try {
      await expect(restorePortal(dir, `file:${join(target, 'portal.db')}`)).rejects.toThrow(`files/sha256/${victim}`);
      expect(existsSync(join(target, 'portal.db'))).toBe(false);
      expect(existsSync(join(target, 'files'))).toBe(false);
    } finally {
      process.env.FILES_DIR = liveFiles;
      reloadConfig();
    }
  });

  it('refuses a folder without a manifest and a backup folder that exists already', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'armas-backup-'));
    await expect(verifyBackup(dir)).rejects.toThrow('has no SHA256SUMS');
    await expect(backupPortal(dir)).rejects.toThrow(/exists already/);
  });
});
