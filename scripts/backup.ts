// npm run backup [-- OUT.db] — a consistent copy of the embedded database while the portal runs.
// npm run backup -- --restore FILE.db — checks FILE.db and puts it in place of DATABASE_URL
// (stop the portal first).
import { parseArgs } from 'node:util';
import { backupDatabase, restoreDatabase } from '#src/server/backup.ts';
import { closeDb } from '#src/server/db.ts';

const { values, positionals } = parseArgs({ options: { restore: { type: 'string' } }, allowPositionals: true });
try {
  if (values.restore) {
    console.log(`Restored ${values.restore} to ${await restoreDatabase(values.restore)}`);
  } else {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
    console.log(`Backup written to ${await backupDatabase(positionals[0] ?? `data/backups/portal-${stamp}.db`)}`);
  }
} catch (error) {
  console.error(`backup: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  closeDb();
}
