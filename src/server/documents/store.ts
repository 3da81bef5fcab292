/**
 * Moving staged uploads into the content-addressed store. The order is what keeps a crash
 * harmless: temp file (fsynced) -> store object (atomic) -> database row (one transaction) ->
 * temp file removed. A crash before the row leaves at most a store object without a row, which
 * the orphan sweeper removes (maintenance.ts); a row never points at a missing object.
 */
import { blobKey, fileStore } from '#src/server/storage/index.ts';
import type { StagedFile } from './intake.ts';

/** Puts each distinct file into the store unless the same bytes are there already. */
export async function storeStagedFiles(files: readonly StagedFile[]): Promise<void> {
  const store = fileStore();
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.sha256)) continue;
    seen.add(f.sha256);
    if (!(await store.stat(blobKey(f.sha256)))) await store.put(blobKey(f.sha256), f.tempPath);
  }
}

/**
 * After the database transaction: the objects must still be there. A purge or sweep running
 * at the same moment may have removed an object this upload found and reused; put it back from
 * the temp file, which still exists.
 */
export async function confirmStored(files: readonly StagedFile[]): Promise<void> {
  const store = fileStore();
  for (const f of files) if (!(await store.stat(blobKey(f.sha256)))) await store.put(blobKey(f.sha256), f.tempPath);
}
