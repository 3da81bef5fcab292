/**
 * What thread search needs to decide who may find a post, held in memory as typed-array columns
 * (the approach of the seizure search, fts5-columns.ts): per post id its thread and whether it is
 * hidden or deleted; per thread id its scope set, category and hidden mark; the tokens of each
 * scope set. Built once per forum data version ('threads', raised by triggers in the transaction
 * of every change to those facts: migration 0016) from the same tables the SQL reads.
 *
 * Posts written after the build (replies, new threads: ids the columns do not cover) are decided
 * in SQL with the reader's access in the query, as before; a build is kept until a moderator,
 * author or move changes access, and rebuilt sooner once that SQL tail grows long.
 *
 * Measured at 400,000 posts: joining the FTS5 candidates to posts and threads in SQL and ranking
 * them there cost 100–500 ms per common word; the pass over the columns takes well under 1 ms.
 */
import { canSee, type Reader } from '#src/server/access.ts';
import { perDataVersion } from '#src/server/data-version.ts';
import { allRows, col, type RawExec } from '#src/server/sql.ts';
import { parseIdList } from './fts5-columns.ts';

export interface ThreadColumns {
  version: number;
  /** Largest post id + 1 at the build: ids from here on are decided in SQL. */
  postSize: number;
  /** Thread id of each post (0: no such post at the build). */
  postThread: Int32Array;
  /** 1: the post is hidden or deleted. */
  postGone: Uint8Array;
  threadScope: Int32Array;
  threadCategory: Int32Array;
  /** 1: the thread is hidden. */
  threadHidden: Uint8Array;
  scopeTokens: Map<number, string[]>;
}

/** How many times the columns were built (tests: once per data version). */
export const threadColumnStats = { built: 0 };

/** Once a search had to decide this many posts past the build in SQL, the next search rebuilds. */
const TAIL_REBUILD = 5000;

const builtColumns = perDataVersion('threads', buildColumns);

/** The columns of the current forum data version of this database. */
export function threadColumns(ex: RawExec): Promise<ThreadColumns> {
  return builtColumns.get(ex);
}

/** Forgets the columns (tests that replace the database; a long SQL tail). */
export function dropThreadColumns(): void {
  builtColumns.clear();
}

/** A search met `n` posts past the build: rebuild before the tail costs more than the build. */
export function noteTail(n: number): void {
  if (n >= TAIL_REBUILD) builtColumns.forget();
}

async function buildColumns(ex: RawExec, version: number): Promise<ThreadColumns> {
  threadColumnStats.built++;
  // One row of lists, not a row per post (fts5-columns.ts: ~1.5 µs a post instead of ~17).
  const [posts] = await allRows(
    ex,
    { ids: col.textOrNull, threads: col.textOrNull, gone: col.textOrNull },
    `SELECT group_concat(id) AS ids, group_concat(thread_id) AS threads,
       group_concat(CASE WHEN hidden_at IS NULL AND deleted_at IS NULL THEN '' ELSE id END) AS gone
     FROM (SELECT id, thread_id, hidden_at, deleted_at FROM thread_posts ORDER BY id)`,
  );
  const ids = parseIdList(posts?.ids ?? '', false);
  const threadOf = parseIdList(posts?.threads ?? '', false);
  const postSize = (ids.length ? (ids[ids.length - 1] as number) : 0) + 1;
  const postThread = new Int32Array(postSize);
  for (let i = 0; i < ids.length; i++) postThread[ids[i] as number] = threadOf[i] as number;
  const postGone = new Uint8Array(postSize);
  // "1,,,7,": empty entries are standing posts.
  for (const id of (posts?.gone ?? '').split(',')) if (id) postGone[Number(id)] = 1;

  const [threads] = await allRows(
    ex,
    { ids: col.textOrNull, scopes: col.textOrNull, categories: col.textOrNull, hidden: col.textOrNull },
    `SELECT group_concat(id) AS ids, group_concat(scope_set_id) AS scopes, group_concat(category_id) AS categories,
       group_concat(hidden_at IS NOT NULL) AS hidden
     FROM (SELECT id, scope_set_id, category_id, hidden_at FROM threads ORDER BY id)`,
  );
  const threadIds = parseIdList(threads?.ids ?? '', false);
  const scopes = parseIdList(threads?.scopes ?? '', false);
  const categories = parseIdList(threads?.categories ?? '', false);
  const hidden = parseIdList(threads?.hidden ?? '', false);
  const threadSize = (threadIds.length ? (threadIds[threadIds.length - 1] as number) : 0) + 1;
  const threadScope = new Int32Array(threadSize);
  const threadCategory = new Int32Array(threadSize);
  const threadHidden = new Uint8Array(threadSize);
  for (let i = 0; i < threadIds.length; i++) {
    const t = threadIds[i] as number;
    threadScope[t] = scopes[i] as number;
    threadCategory[t] = categories[i] as number;
    threadHidden[t] = hidden[i] as number;
  }

  const scopeTokens = new Map<number, string[]>();
  for (const r of await allRows(ex, { id: col.int, token: col.text }, 'SELECT scope_set_id AS id, token FROM scope_set_tokens')) {
    const list = scopeTokens.get(r.id);
    if (list) list.push(r.token);
    else scopeTokens.set(r.id, [r.token]);
  }
  return { version, postSize, postThread, postGone, threadScope, threadCategory, threadHidden, scopeTokens };
}

/** Which scope sets the reader may see (index: scope_set_id), by access.ts's canSee. */
export function visibleThreadScopes(c: ThreadColumns, reader: Reader | null): Uint8Array {
  let max = 0;
  for (const id of c.scopeTokens.keys()) if (id > max) max = id;
  const visible = new Uint8Array(max + 1);
  for (const [id, tokens] of c.scopeTokens) if (canSee(reader, tokens)) visible[id] = 1;
  return visible;
}

/**
 * Whether the reader may find a post the columns cover: standing, in a standing thread of a scope
 * the reader may see (and of the category asked for). Undefined for ids past the build.
 */
export function findable(c: ThreadColumns, visible: Uint8Array, categoryId: number | undefined, id: number): boolean | undefined {
  if (id >= c.postSize) return undefined;
  const t = c.postThread[id] as number;
  if (t === 0) return undefined;
  if (c.postGone[id] || c.threadHidden[t]) return false;
  if (categoryId !== undefined && c.threadCategory[t] !== categoryId) return false;
  return visible[c.threadScope[t] as number] === 1;
}
