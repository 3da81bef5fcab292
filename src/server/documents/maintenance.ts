/**
 * Keeping the file store and the database in step: the retention purge of deleted documents,
 * and the orphan sweeper (temp files of crashed uploads, store objects no row refers to, rows
 * whose object is gone). Run by `npm run documents:purge`.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { config } from '#src/server/config.ts';
import { rawClient } from '#src/server/db.ts';
import { allRows, col, runRaw, writeTransaction } from '#src/server/sql.ts';
import { blobKey, fileStore, tempDir, thumbnailKey } from '#src/server/storage/index.ts';
import { afterDocumentsChanged } from '#src/server/search/documents.ts';

/** Objects younger than this are left alone: an upload may be between its store write and its commit. */
export const ORPHAN_GRACE_MS = 60 * 60 * 1000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface SweepReport {
  tempFilesRemoved: number;
  orphanObjectsRemoved: number;
  /** Blobs whose object is missing from the store (reported, not deleted: their rows are the record). */
  missingObjects: string[];
}

/**
 * Temp files whose upload process is gone (or older than the grace period) are removed; store
 * objects without a blob row and older than the grace period are removed.
 */
export async function sweepOrphans(now = Date.now(), graceMs = ORPHAN_GRACE_MS): Promise<SweepReport> {
  const report: SweepReport = { tempFilesRemoved: 0, orphanObjectsRemoved: 0, missingObjects: [] };
  const tmp = tempDir();
  for (const name of await readdir(tmp).catch(() => [] as string[])) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1] ?? 0);
    const s = await stat(join(tmp, name)).catch(() => null);
    if (!s) continue;
    if ((pid && !processAlive(pid)) || now - s.mtimeMs > graceMs) {
      await rm(join(tmp, name), { force: true });
      report.tempFilesRemoved++;
    }
  }
  const store = fileStore();
  const ex = rawClient();
  const known = new Set((await allRows(ex, { sha256: col.text }, 'SELECT sha256 FROM blobs')).map((r) => r.sha256));
  const thumbs = new Set(
    (await allRows(ex, { sha256: col.text }, 'SELECT sha256 FROM blobs WHERE has_thumbnail = 1')).map((r) => r.sha256),
  );
  const present = new Set<string>();
  for (const prefix of ['sha256/', 'thumb/'] as const) {
    for await (const o of store.list(prefix)) {
      const sha = o.key.slice(prefix.length);
      if (prefix === 'sha256/') present.add(sha);
      const referenced = prefix === 'sha256/' ? known.has(sha) : thumbs.has(sha);
      if (referenced || now - o.modifiedAt.getTime() <= graceMs) continue;
      // Checked again just before removal: an upload may have committed since the listing.
      const [row] = await allRows(ex, { n: col.int }, 'SELECT count(*) AS n FROM blobs WHERE sha256 = ?', [sha]);
      if (Number(row?.n) > 0) continue;
      await store.delete(o.key);
      report.orphanObjectsRemoved++;
    }
  }
  for (const sha of known) if (!present.has(sha)) report.missingObjects.push(sha);
  return report;
}

export interface PurgeReport {
  documentsPurged: number;
  blobsRemoved: number;
}

/** Deleted documents past DOCUMENT_RETENTION_DAYS are removed with their versions; blobs nothing refers to any more go too. */
export async function purgeDeleted(now = Date.now(), retentionMs = config.documentRetentionMs): Promise<PurgeReport> {
  const cutoff = now - retentionMs;
  const { ids, shas } = await writeTransaction(async (tx) => {
    const ids = (
      await allRows(tx, { id: col.int }, 'SELECT id FROM documents WHERE deleted_at IS NOT NULL AND deleted_at <= ?', [cutoff])
    ).map((r) => Number(r.id));
    if (ids.length) {
      const json = JSON.stringify(ids);
      await runRaw(tx, 'DELETE FROM document_fts WHERE rowid IN (SELECT value FROM json_each(?))', [json]);
      // Versions, tags, links and the download log go with the document (ON DELETE CASCADE).
      await runRaw(tx, 'DELETE FROM document_versions WHERE document_id IN (SELECT value FROM json_each(?))', [json]);
      await runRaw(tx, 'DELETE FROM document_tags WHERE document_id IN (SELECT value FROM json_each(?))', [json]);
      await runRaw(tx, 'DELETE FROM document_links WHERE document_id IN (SELECT value FROM json_each(?))', [json]);
      await runRaw(tx, 'DELETE FROM document_downloads WHERE document_id IN (SELECT value FROM json_each(?))', [json]);
      await runRaw(tx, 'DELETE FROM documents WHERE id IN (SELECT value FROM json_each(?))', [json]);
    }
    // Blobs no version refers to, unless an upload used them recently.
    const shas = (
      await allRows(
        tx,
        { sha256: col.text },
        'SELECT b.sha256 FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM document_versions v WHERE v.sha256 = b.sha256) AND b.last_used_at <= ?',
        [now - ORPHAN_GRACE_MS],
      )
    ).map((r) => r.sha256);
    if (shas.length) await runRaw(tx, 'DELETE FROM blobs WHERE sha256 IN (SELECT value FROM json_each(?))', [JSON.stringify(shas)]);
    return { ids, shas };
  });
  const store = fileStore();
  for (const sha of shas) {
    await store.delete(blobKey(sha));
    await store.delete(thumbnailKey(sha));
  }
  afterDocumentsChanged(ids);
  return { documentsPurged: ids.length, blobsRemoved: shas.length };
}
