/**
 * Backups: the embedded database (`VACUUM INTO` writes a consistent copy while the portal keeps
 * running) and the document file store, with a manifest of SHA-256 checksums that a restore
 * verifies before it changes anything.
 *
 * A backup is a folder: `portal.db`, `files/<store key>` (`files/sha256/<hex>`,
 * `files/thumb/<hex>`) and `SHA256SUMS` (the `sha256sum` format, so `sha256sum -c SHA256SUMS`
 * checks it by hand too). It is written under `<folder>.partial` and renamed when complete.
 * The files copied are those the database copy refers to, taken after the copy: the store is
 * content-addressed and written before its rows, so everything the copy names is there.
 */
import { createClient } from '@libsql/client';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { config } from './config.ts';
import { rawClient } from './db.ts';
import { blobKey, fileStore, thumbnailKey } from './storage/index.ts';

function filePathOf(url: string): string {
  if (!url.startsWith('file:')) throw new Error('backups cover the embedded database (file: URLs); a libSQL server has its own backups');
  return resolve(url.slice('file:'.length).split('?')[0] ?? '');
}

export async function backupDatabase(outPath: string): Promise<string> {
  filePathOf(config.databaseUrl);
  const target = resolve(outPath);
  if (existsSync(target)) throw new Error(`${target} exists already`);
  mkdirSync(dirname(target), { recursive: true });
  await rawClient().execute({ sql: 'VACUUM INTO ?', args: [target] });
  await assertIntact(target);
  return target;
}

async function assertIntact(path: string): Promise<void> {
  const client = createClient({ url: `file:${path}` });
  try {
    const rs = await client.execute('PRAGMA integrity_check');
    const verdict = String(rs.rows[0]?.[0] ?? '');
    if (verdict !== 'ok') throw new Error(`${path} failed the integrity check: ${verdict}`);
    await client.execute('SELECT count(*) FROM __drizzle_migrations');
  } finally {
    client.close();
  }
}

/** Replaces the database file at `targetUrl` with a checked backup. Stop the portal first. */
export async function restoreDatabase(backupPath: string, targetUrl = config.databaseUrl): Promise<string> {
  const source = resolve(backupPath);
  await assertIntact(source);
  const target = filePathOf(targetUrl);
  mkdirSync(dirname(target), { recursive: true });
  // Copy beside the target, then rename: a crash never leaves a half-written database.
  const staging = `${target}.restoring`;
  copyFileSync(source, staging);
  for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
  renameSync(staging, target);
  return target;
}

// ---- the whole portal: database + file store + manifest ------------------------------------------

export const MANIFEST = 'SHA256SUMS';
export const DATABASE_FILE = 'portal.db';

/** Keys of the store as they appear in a backup folder (`files/sha256/<hex>`). */
const SAFE_ENTRY = /^(portal\.db|files\/(sha256|thumb)\/[a-f0-9]{64})$/;

export interface BackupProgress {
  done: number;
  total: number;
}

export interface BackupReport {
  dir: string;
  objects: number;
  bytes: number;
  /** Objects the database refers to that the store does not have (or whose bytes no longer match their hash). */
  missing: string[];
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path, { highWaterMark: 256 * 1024 }), hash);
  return hash.digest('hex');
}

/** Copies one object out of the store, hashing it on the way; null when the store has no such object. */
async function copyOut(key: string, target: string): Promise<{ sha256: string; size: number } | null> {
  const source = await fileStore().get(key);
  if (!source) return null;
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await mkdir(dirname(target), { recursive: true });
  await pipeline(source, meter, createWriteStream(target, { flags: 'wx', flush: true }));
  return { sha256: hash.digest('hex'), size };
}

/**
 * Writes a backup folder (`outDir`, which must not exist): the database, every stored file its
 * documents use, and the manifest. Safe while the portal runs.
 */
export async function backupPortal(outDir: string, onProgress?: (p: BackupProgress) => void): Promise<BackupReport> {
  const dir = resolve(outDir);
  if (existsSync(dir)) throw new Error(`${dir} exists already`);
  const partial = `${dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const lines: string[] = [];
  const report: BackupReport = { dir, objects: 0, bytes: 0, missing: [] };
  try {
    const dbCopy = await backupDatabase(join(partial, DATABASE_FILE));
    lines.push(`${await hashFile(dbCopy)}  ${DATABASE_FILE}`);
    // The objects the copy refers to, read from the copy itself (not the live database).
    const copy = createClient({ url: `file:${dbCopy}` });
    let rows: { sha256: string; has_thumbnail: number }[];
    try {
      rows = (await copy.execute('SELECT sha256, has_thumbnail FROM blobs ORDER BY sha256')).rows as unknown as typeof rows;
    } finally {
      copy.close();
    }
    const keys = rows.flatMap((r) => [blobKey(String(r.sha256)), ...(Number(r.has_thumbnail) ? [thumbnailKey(String(r.sha256))] : [])]);
    let done = 0;
    for (const key of keys) {
      const entry = `files/${key}`;
      const copied = await copyOut(key, join(partial, ...entry.split('/')));
      // A content-addressed object whose bytes do not match its name is as good as missing.
      if (!copied || (key.startsWith('sha256/') && copied.sha256 !== key.slice('sha256/'.length))) {
        if (copied) await rm(join(partial, ...entry.split('/')), { force: true });
        report.missing.push(key);
      } else {
        lines.push(`${copied.sha256}  ${entry}`);
        report.objects++;
        report.bytes += copied.size;
      }
      onProgress?.({ done: ++done, total: keys.length });
    }
    // The manifest last, then the rename: a folder without `.partial` is a finished backup.
    await writeFile(join(partial, MANIFEST), `${lines.join('\n')}\n`, { flush: true });
    await rename(partial, dir);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
  return report;
}

export interface ManifestEntry {
  path: string;
  sha256: string;
}

/** Reads the manifest and checks every file it names against its checksum; throws naming the first bad file. */
export async function verifyBackup(backupDir: string, onProgress?: (p: BackupProgress) => void): Promise<ManifestEntry[]> {
  const dir = resolve(backupDir);
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST), 'utf8');
  } catch {
    throw new Error(`${dir} has no ${MANIFEST}: not a finished backup`);
  }
  const entries: ManifestEntry[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    const m = /^([a-f0-9]{64}) {2}(.+)$/.exec(line);
    if (!m || !SAFE_ENTRY.test(m[2]!)) throw new Error(`${MANIFEST} line ${i + 1} is not a checksum line: ${line.slice(0, 120)}`);
    entries.push({ sha256: m[1]!, path: m[2]! });
  }
  if (!entries.some((e) => e.path === DATABASE_FILE)) throw new Error(`${MANIFEST} does not list ${DATABASE_FILE}`);
  let done = 0;
  for (const e of entries) {
    const path = join(dir, ...e.path.split('/'));
    const size = await stat(path).catch(() => null);
    if (!size?.isFile()) throw new Error(`${e.path} is listed in ${MANIFEST} but missing from the backup`);
    const actual = await hashFile(path);
    if (actual !== e.sha256) throw new Error(`${e.path} does not match its checksum (expected ${e.sha256}, found ${actual})`);
    onProgress?.({ done: ++done, total: entries.length });
  }
  return entries;
}

export interface RestoreReport {
  database: string;
  objects: number;
  /** Blobs the restored database refers to that the backup did not carry. */
  missing: string[];
}

/**
 * Verifies the whole backup first (nothing is changed if one checksum fails), then puts its
 * files into the configured store and, last, its database in place of `targetUrl`: rows are
 * never restored ahead of their files. Stop the portal first.
 */
export async function restorePortal(
  backupDir: string,
  targetUrl = config.databaseUrl,
  onProgress?: (p: BackupProgress) => void,
): Promise<RestoreReport> {
  const dir = resolve(backupDir);
  const entries = await verifyBackup(dir);
  const dbFile = join(dir, DATABASE_FILE);
  await assertIntact(dbFile);
  const carried = new Set(entries.filter((e) => e.path.startsWith('files/')).map((e) => e.path.slice('files/'.length)));
  const copy = createClient({ url: `file:${dbFile}` });
  let missing: string[];
  try {
    const rows = (await copy.execute('SELECT sha256 FROM blobs')).rows;
    missing = rows.map((r) => blobKey(String(r.sha256))).filter((key) => !carried.has(key));
  } finally {
    copy.close();
  }
  const store = fileStore();
  let done = 0;
  for (const key of carried) {
    const source = join(dir, 'files', ...key.split('/'));
    // Content-addressed objects already in the store are the same bytes; thumbnails are rewritten.
    if (!(key.startsWith('sha256/') && (await store.stat(key)))) await store.put(key, source);
    onProgress?.({ done: ++done, total: carried.size });
  }
  const database = await restoreDatabase(dbFile, targetUrl);
  return { database, objects: carried.size, missing };
}

/** Default folder of a backup made now: `data/backups/portal-YYYYMMDD-HHMMSS`. */
export function defaultBackupDir(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return join('data', 'backups', `portal-${stamp}`);
}
