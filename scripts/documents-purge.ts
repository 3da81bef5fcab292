// npm run documents:purge — removes deleted documents older than DOCUMENT_RETENTION_DAYS (with the
// files nothing refers to any more) and sweeps orphans: temp files of crashed uploads, store
// objects without a row; reports rows whose object is missing. Safe while the portal runs.
import { closeDb } from '#src/server/db.ts';
import { applyMigrations } from '#src/server/migrate.ts';
import { purgeDeleted, sweepOrphans } from '#src/server/documents/maintenance.ts';

try {
  await applyMigrations();
  const purge = await purgeDeleted();
  const sweep = await sweepOrphans();
  console.log(`Purged ${purge.documentsPurged} deleted documents and ${purge.blobsRemoved} files nothing refers to.`);
  console.log(`Swept ${sweep.tempFilesRemoved} temp files and ${sweep.orphanObjectsRemoved} stored files without a row.`);
  if (sweep.missingObjects.length) {
    console.error(`Missing from the file store (rows kept): ${sweep.missingObjects.join(', ')}`);
    process.exitCode = 2;
  }
} catch (error) {
  console.error(`documents:purge: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  closeDb();
}
