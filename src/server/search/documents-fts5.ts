/**
 * The embedded index of the document exchange: document_fts (FTS5, rowid = documents.id) holds
 * titles and descriptions in both languages, tags, file names and the text extracted from the
 * current version. Written in the same transaction as the documents it describes.
 */
import { runRaw, type RawExec } from '#src/server/sql.ts';

export async function indexDocumentsFts(ex: RawExec, ids: readonly number[] | 'all'): Promise<void> {
  const filter = ids === 'all' ? '1' : 'd.id IN (SELECT value FROM json_each(?))';
  const params = ids === 'all' ? [] : [JSON.stringify(ids)];
  if (ids === 'all') await runRaw(ex, 'DELETE FROM document_fts');
  else await runRaw(ex, 'DELETE FROM document_fts WHERE rowid IN (SELECT value FROM json_each(?))', params);
  await runRaw(
    ex,
    `INSERT INTO document_fts (rowid, title, description, tags, names, body)
     SELECT d.id, concat_ws(' ', d.title_es, d.title_en), concat_ws(' ', d.description_es, d.description_en),
       (SELECT group_concat(t.tag, ' ') FROM document_tags t WHERE t.document_id = d.id),
       (SELECT group_concat(v.file_name, ' ') FROM document_versions v WHERE v.document_id = d.id),
       (SELECT b.text FROM document_versions v JOIN blobs b ON b.sha256 = v.sha256 WHERE v.document_id = d.id AND v.number = d.current_version)
     FROM documents d WHERE d.deleted_at IS NULL AND ${filter}`,
    params,
  );
}

export async function unindexDocumentsFts(ex: RawExec, ids: readonly number[]): Promise<void> {
  await runRaw(ex, 'DELETE FROM document_fts WHERE rowid IN (SELECT value FROM json_each(?))', [JSON.stringify(ids)]);
}

/** bm25 weights: title, description, tags, names, body. */
export const DOCUMENT_BM25 = 'bm25(document_fts, 6.0, 3.0, 4.0, 2.0, 1.0)';
