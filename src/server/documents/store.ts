/**
 * Moving staged uploads into the content-addressed store. The order is what keeps a crash
 * harmless: temp file (fsynced) -> store object (atomic) -> database row (one transaction) ->
 * temp file removed. A crash before the row leaves at most a store object without a row, which
 * the orphan sweeper removes (maintenance.ts); a row never points at a missing object.
 *
 * A refusal after the files were stored (a rate limit, a duplicate post, a mention nobody can
 * read: checks made inside the write's transaction) must leave nothing either. Each staged file
 * holds its content for the life of its upload; when the last upload holding some content lets
 * go (releaseStagedFiles, from the intake's discard) and one of them put the object into the
 * store, the object goes unless a blobs row now refers to it. Another process's upload of the same
 * bytes that found the object and reused it puts it back from its own temp file after its commit
 * (confirmStored), as it does after a purge.
 */
import { rawClient } from '#src/server/db.ts';
import { allRows, col } from '#src/server/sql.ts';
import { blobKey, fileStore } from '#src/server/storage/index.ts';
import type { StagedFile } from './intake.ts';

/** Content held by uploads of this process: how many staged files hold it, and whether one of them stored it. */
const holds = new Map<string, { holders: number; stored: boolean }>();
const holding = new WeakSet<StagedFile>();

function hold(f: StagedFile): { holders: number; stored: boolean } {
  let entry = holds.get(f.sha256);
  if (!entry) holds.set(f.sha256, (entry = { holders: 0, stored: false }));
  if (!holding.has(f)) {
    holding.add(f);
    entry.holders++;
  }
  return entry;
}

/** Puts each distinct file into the store unless the same bytes are there already. */
export async function storeStagedFiles(files: readonly StagedFile[]): Promise<void> {
  const store = fileStore();
  const seen = new Set<string>();
  // Held before the store is looked at, so that a refusal elsewhere cannot take away what this upload found.
  const entries = files.map((f) => hold(f));
  for (const [i, f] of files.entries()) {
    if (seen.has(f.sha256)) continue;
    seen.add(f.sha256);
    if (!(await store.stat(blobKey(f.sha256)))) {
      // The intake fsynced the temp file (flush) before it was accepted.
      await store.put(blobKey(f.sha256), f.tempPath, { synced: true });
      entries[i]!.stored = true;
    }
  }
}

/**
 * After the database transaction: the objects must still be there. A purge or sweep running
 * at the same moment may have removed an object this upload found and reused; put it back from
 * the temp file, which still exists.
 */
export async function confirmStored(files: readonly StagedFile[]): Promise<void> {
  const store = fileStore();
  for (const f of files) {
    if (!(await store.stat(blobKey(f.sha256)))) await store.put(blobKey(f.sha256), f.tempPath, { synced: true });
    // Committed: a blobs row refers to it now, so letting go of it (releaseStagedFiles) need not look.
    const entry = holding.has(f) ? holds.get(f.sha256) : undefined;
    if (entry) entry.stored = false;
  }
}

/**
 * The upload is over (written, or refused): lets go of its files. An object that an upload of this
 * process stored and that no row refers to once the last of them has let go is removed: a refused
 * write leaves no orphan for the sweeper.
 */
export async function releaseStagedFiles(files: readonly StagedFile[]): Promise<void> {
  const unreferenced: string[] = [];
  for (const f of files) {
    if (!holding.has(f)) continue;
    holding.delete(f);
    const entry = holds.get(f.sha256);
    if (!entry || --entry.holders > 0) continue;
    holds.delete(f.sha256);
    if (entry.stored) unreferenced.push(f.sha256);
  }
  if (!unreferenced.length) return;
  const referenced = new Set(
    (
      await allRows(rawClient(), { sha256: col.text }, 'SELECT sha256 FROM blobs WHERE sha256 IN (SELECT value FROM json_each(?))', [
        JSON.stringify(unreferenced),
      ])
    ).map((r) => r.sha256),
  );
  const store = fileStore();
  // Held again since the look-up (a new upload of the same bytes): that upload decides when it lets go.
  for (const sha of unreferenced) if (!referenced.has(sha) && !holds.has(sha)) await store.delete(blobKey(sha));
}
