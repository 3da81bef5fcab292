/**
 * Keeps the embedded engine's thread index (thread_post_search + thread_post_fts, external
 * content) in step with the posts, in the caller's transaction: a post is in the index exactly
 * when a reader could find it (neither hidden nor deleted, its thread not hidden). The same calls
 * write the posts to the search outbox (when Meilisearch is configured), in the same transaction,
 * so the remote index follows every change the embedded one sees.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '#src/server/db.ts';
import { analyseText } from '#src/server/text/index.ts';
import { searchableText } from '#src/server/threads/markdown.ts';
import { enqueueSearchChangesIn } from './outbox.ts';
import { conceptToken } from './seizure-text.ts';
import { THREAD_POST_KIND } from './threads-types.ts';

/** The row the index keeps of a post: raw text, and its analysis (stem keys, vocabulary concepts). */
export function threadSearchRow(id: number, seq: number, title: string, body: string): [number, string | null, string, string, string] {
  const text = searchableText(body);
  const ownTitle = seq === 1 ? title : null;
  const analysed = analyseText(ownTitle ? `${ownTitle} ${text}` : text);
  return [id, ownTitle, text, analysed.keys.join(' '), [...new Set(analysed.concepts.map(conceptToken))].join(' ')];
}

const INSERT_ROWS = (json: string) =>
  sql`INSERT INTO thread_post_search (post_id, title, body, stems, concepts)
      SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', value ->> '$[3]', value ->> '$[4]' FROM json_each(${json})`;

const idList = (ids: readonly number[]) => JSON.stringify([...new Set(ids)]);

/** Takes the posts out of the index (those that are in it). */
export async function unindexThreadPosts(ex: Executor, postIds: readonly number[]): Promise<void> {
  if (!postIds.length) return;
  const ids = idList(postIds);
  // External content: FTS5 needs the old text to remove its terms.
  await ex.run(
    sql`INSERT INTO thread_post_fts (thread_post_fts, rowid, title, body, stems, concepts)
        SELECT 'delete', post_id, title, body, stems, concepts FROM thread_post_search WHERE post_id IN (SELECT value FROM json_each(${ids}))`,
  );
  await ex.run(sql`DELETE FROM thread_post_search WHERE post_id IN (SELECT value FROM json_each(${ids}))`);
}

/** Brings the posts up to date: each findable one indexed with its current text, the others not. */
export async function syncThreadPostsIndex(ex: Executor, postIds: readonly number[]): Promise<void> {
  if (!postIds.length) return;
  await enqueueSearchChangesIn(ex, THREAD_POST_KIND, postIds);
  await unindexThreadPosts(ex, postIds);
  const rows = await ex.all<{ id: number; seq: number; body: string; title: string }>(
    sql`SELECT p.id, p.seq, p.body, t.title FROM thread_posts p JOIN threads t ON t.id = p.thread_id
        WHERE p.id IN (SELECT value FROM json_each(${idList(postIds)}))
          AND p.hidden_at IS NULL AND p.deleted_at IS NULL AND t.hidden_at IS NULL`,
  );
  if (!rows.length) return;
  await ex.run(INSERT_ROWS(JSON.stringify(rows.map((r) => threadSearchRow(r.id, r.seq, r.title, r.body)))));
  await ex.run(
    sql`INSERT INTO thread_post_fts (rowid, title, body, stems, concepts)
        SELECT post_id, title, body, stems, concepts FROM thread_post_search WHERE post_id IN (SELECT value FROM json_each(${idList(rows.map((r) => r.id))}))`,
  );
}

/** Every post of a thread (a thread hidden, restored, retitled, moved or re-scoped). */
export async function syncThreadIndex(ex: Executor, threadId: number): Promise<number[]> {
  const rows = await ex.all<{ id: number }>(sql`SELECT id FROM thread_posts WHERE thread_id = ${threadId}`);
  const ids = rows.map((r) => r.id);
  await syncThreadPostsIndex(ex, ids);
  return ids;
}

/** Rebuilds the whole index from the posts (search:reindex, bulk loads). */
export async function rebuildThreadIndex(ex: Executor): Promise<void> {
  await ex.run(sql`DELETE FROM thread_post_search`);
  const batch = 5000;
  for (let after = 0; ;) {
    const rows = await ex.all<{ id: number; seq: number; body: string; title: string }>(
      sql`SELECT p.id, p.seq, p.body, t.title FROM thread_posts p JOIN threads t ON t.id = p.thread_id
          WHERE p.id > ${after} AND p.hidden_at IS NULL AND p.deleted_at IS NULL AND t.hidden_at IS NULL ORDER BY p.id LIMIT ${batch}`,
    );
    if (!rows.length) break;
    await ex.run(INSERT_ROWS(JSON.stringify(rows.map((r) => threadSearchRow(r.id, r.seq, r.title, r.body)))));
    after = rows[rows.length - 1]!.id;
  }
  await ex.run(sql`INSERT INTO thread_post_fts (thread_post_fts) VALUES ('rebuild')`);
}
