/**
 * Backups of the embedded database: `VACUUM INTO` writes a consistent copy while the portal keeps
 * running (readers and writers are not stopped), and a restore checks the copy before it replaces
 * the live file.
 */
import { createClient } from '@libsql/client';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { config } from './config.ts';
import { rawClient } from './db.ts';

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
