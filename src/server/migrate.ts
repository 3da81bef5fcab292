import { migrate } from 'drizzle-orm/libsql/migrator';
import { fileURLToPath } from 'node:url';
import { db, rawClient } from './db.ts';
import { config } from './config.ts';
import { ensureIndexBuilt } from './search/fts5-index.ts';
import { writeTransaction } from './sql.ts';

const migrationsFolder = fileURLToPath(new URL('../../db/migrations', import.meta.url));

/** Applies the committed drizzle-kit migrations; safe to run on every start. */
export async function applyMigrations(folder = migrationsFolder): Promise<void> {
  // WAL is a property of the file, so setting it once here covers every later connection:
  // readers then run beside the writer.
  if (config.databaseUrl.startsWith('file:')) await rawClient().execute('PRAGMA journal_mode = WAL');
  await migrate(db(), { migrationsFolder: folder });
  await ensureIndexBuilt(rawClient(), (fn) => writeTransaction((tx) => fn(tx)));
}
