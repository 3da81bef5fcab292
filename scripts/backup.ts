// npm run backup [-- OUT_DIR] — a consistent copy of the embedded database and of the document file
// store (local or S3), with a SHA256SUMS manifest, while the portal runs (default
// data/backups/portal-<time>/).
// npm run backup -- --verify DIR — checks every file of a backup against its manifest.
// npm run backup -- --restore DIR — verifies DIR, then puts its files into the file store and its
// database in place of DATABASE_URL (stop the portal first). A single FILE.db (older backups)
// restores the database alone.
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { backupPortal, defaultBackupDir, restoreDatabase, restorePortal, verifyBackup, type BackupProgress } from '#src/server/backup.ts';
import { closeDb } from '#src/server/db.ts';

const { values, positionals } = parseArgs({
  options: { restore: { type: 'string' }, verify: { type: 'string' } },
  allowPositionals: true,
});

/** A progress bar on a terminal; nothing in logs (timers, CI). */
function progress(label: string): { update: (p: BackupProgress) => void; stop: () => void } {
  if (!process.stdout.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total}` }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update: (p) => {
      if (!started) bar.start(p.total, 0);
      started = true;
      bar.update(p.done);
    },
    stop: () => started && bar.stop(),
  };
}

try {
  if (values.verify) {
    const bar = progress('Verifying');
    const entries = await verifyBackup(values.verify, bar.update);
    bar.stop();
    console.log(`${values.verify}: all ${entries.length} files match SHA256SUMS.`);
  } else if (values.restore) {
    if (statSync(values.restore).isFile()) {
      console.log(`Restored the database ${values.restore} to ${await restoreDatabase(values.restore)} (no files: an older backup)`);
    } else {
      const bar = progress('Restoring files');
      const report = await restorePortal(values.restore, undefined, bar.update);
      bar.stop();
      console.log(`Verified ${values.restore}; restored ${report.objects} stored files and the database to ${report.database}.`);
      if (report.missing.length) {
        console.error(`The backup lacks ${report.missing.length} files its database refers to: ${report.missing.join(', ')}`);
        process.exitCode = 2;
      }
    }
  } else {
    const bar = progress('Copying files');
    const report = await backupPortal(positionals[0] ?? defaultBackupDir(), bar.update);
    bar.stop();
    const mb = (report.bytes / 1024 / 1024).toFixed(1);
    console.log(`Backup written to ${report.dir}: the database and ${report.objects} stored files (${mb} MB), listed in SHA256SUMS.`);
    if (report.missing.length) {
      // The backup is still written (everything else is in it); the sweeper report names the same objects.
      console.error(`Missing or damaged in the file store, not in the backup: ${report.missing.join(', ')}`);
      process.exitCode = 2;
    }
  }
} catch (error) {
  console.error(`backup: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  closeDb();
}
