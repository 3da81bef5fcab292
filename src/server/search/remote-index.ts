/**
 * Keeping a Meilisearch index in step with the database, for any kind of entity (a "search
 * source"): pushing changed entities, applying settings, and the zero-downtime rebuild (a new
 * index filled in batches, then swapped with the live one, so searches never see an empty or
 * partial index).
 */
import type { IndexSwap, Settings } from 'meilisearch';
import { MeiliTaskError, taskBudgetMs, type MeiliConnection } from './meili-client.ts';
import { beginRebuild, endRebuild, promoteBuildInfo, rebuildProgress, setBuildInfo, type RebuildState } from './outbox.ts';
import { runRaw } from '#src/server/sql.ts';
import { rawClient } from '#src/server/db.ts';
import { log } from '#src/server/log.ts';

export type SearchDocument = { id: string | number };

/** What the remote engine needs to know about one kind of entity (seizure, thread, document…). */
export interface SearchSource {
  /** The outbox kind (search_outbox.kind). */
  readonly kind: string;
  /** The live index's name (with MEILISEARCH_INDEX_PREFIX). */
  readonly indexUid: string;
  /** The index settings, sized to the data where that matters (facet values, total hits). */
  settings(): Promise<Settings>;
  /** Documents of the entities that exist; ids missing from the answer are deleted from the index. */
  documents(ids: readonly string[]): Promise<SearchDocument[]>;
  /** Every entity id in ascending order, `limit` at a time after `after` (keyset pagination). */
  idsAfter(after: string | null, limit: number): Promise<string[]>;
  count(): Promise<number>;
  /**
   * What the documents are built with now (their shape, the vocabulary they index), recorded with
   * a rebuilt index when it goes live so that queries know what the live index can answer.
   */
  buildInfo?(): Promise<unknown>;
}

export class IndexMissingError extends Error {
  override name = 'IndexMissingError';
  readonly indexUid: string;
  constructor(indexUid: string) {
    super(`The Meilisearch index "${indexUid}" does not exist yet: build it with npm run search:reindex`);
    this.indexUid = indexUid;
  }
}

/** Pushes the current state of these entities into the live index (upsert or delete), each task checked. */
export async function pushEntities(conn: MeiliConnection, source: SearchSource, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  // Adding documents to a missing index would create it without settings; refuse instead.
  if (!(await conn.indexExists(source.indexUid))) throw new IndexMissingError(source.indexUid);
  const docs = await source.documents(ids);
  const present = new Set(docs.map((d) => String(d.id)));
  const gone = ids.filter((id) => !present.has(id));
  const index = conn.admin.index(source.indexUid);
  if (docs.length) {
    await conn.run(
      `update ${docs.length} ${source.kind} documents in "${source.indexUid}"`,
      () => index.addDocuments(docs, { primaryKey: 'id' }),
      taskBudgetMs({ documents: docs.length }),
    );
  }
  if (gone.length) {
    await conn.run(
      `delete ${gone.length} ${source.kind} documents from "${source.indexUid}"`,
      () => index.deleteDocuments(gone),
      taskBudgetMs({ documents: gone.length }),
    );
  }
}

/** Deletes an index; one that does not exist counts as deleted. */
export async function dropIndex(conn: MeiliConnection, uid: string): Promise<void> {
  try {
    await conn.run(`delete the index "${uid}"`, () => conn.admin.deleteIndex(uid));
  } catch (e) {
    if (!(e instanceof MeiliTaskError && e.code === 'index_not_found')) throw e;
  }
}

const SET_LIKE = new Set(['filterableAttributes', 'sortableAttributes', 'disableOnAttributes', 'disableOnWords', 'stopWords']);

/** JSON with sorted object keys, and sorted arrays where Meilisearch treats the array as a set. */
function canonical(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => canonical(v));
    return SET_LIKE.has(key) ? items.map((v) => JSON.stringify(v)).sort() : items;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k], k)]),
    );
  }
  return value;
}

/** The settings keys (deeply) where `current` differs from `wanted`; keys not in `wanted` are not compared. */
export function settingsDiff(current: object, wanted: object, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, want] of Object.entries(wanted) as [string, unknown][]) {
    const have = (current as Record<string, unknown>)[key];
    if (want && typeof want === 'object' && !Array.isArray(want) && have && typeof have === 'object' && !Array.isArray(have)) {
      out.push(...settingsDiff(have, want, `${prefix}${key}.`));
    } else if (JSON.stringify(canonical(have, key)) !== JSON.stringify(canonical(want, key))) {
      out.push(`${prefix}${key}`);
    }
  }
  return out;
}

async function applySettings(conn: MeiliConnection, source: SearchSource, uid: string, settings: Settings, documents: number) {
  await conn.run(
    `apply the ${source.kind} index settings to "${uid}"`,
    () => conn.admin.index(uid).updateSettings(settings),
    taskBudgetMs({ documents }),
  );
}

export type PrepareOutcome = { state: 'missing' } | { state: 'ready' } | { state: 'updated'; changed: string[] };

/**
 * At start-up: the live index's settings are brought up to date when they differ (a settings
 * task on a large index takes a while; searches go on meanwhile). A missing index is reported,
 * not created: `npm run search:reindex` builds it, and searches use FTS5 until then.
 */
export async function prepareIndex(conn: MeiliConnection, source: SearchSource): Promise<PrepareOutcome> {
  if (!(await conn.indexExists(source.indexUid))) return { state: 'missing' };
  const index = conn.admin.index(source.indexUid);
  const [current, wanted, stats] = await Promise.all([index.getSettings(), source.settings(), index.getStats()]);
  const changed = settingsDiff(current, wanted);
  if (!changed.length) return { state: 'ready' };
  await applySettings(conn, source, source.indexUid, wanted, stats.numberOfDocuments);
  return { state: 'updated', changed };
}

export interface RebuildOptions {
  batchSize?: number;
  /** Take over from a rebuild that seems to be running (its process is gone). */
  force?: boolean;
  progress?: (done: number, total: number) => void;
}

/** Ends a rebuild whose process died: its index is removed and what changed meanwhile replayed. */
export async function abandonRebuild(conn: MeiliConnection, state: RebuildState): Promise<void> {
  await dropIndex(conn, state.buildIndex);
  await endRebuild(state.kind);
}

/**
 * Zero-downtime rebuild: settings first on a fresh index, documents in batches (each task
 * checked), then `swapIndexes` with the live index, and the old one deleted. The live index
 * serves searches unchanged until the swap. Outbox rows of the kind written meanwhile are kept
 * and replayed after the swap (see outbox.ts). On failure the half-built index is removed and the
 * live one is left as it was.
 */
export async function rebuildIndex(
  conn: MeiliConnection,
  source: SearchSource,
  opts: RebuildOptions = {},
): Promise<{ documents: number; replay: number }> {
  const batchSize = opts.batchSize ?? 5000;
  const total = await source.count();
  const live = source.indexUid;
  const build = `${live}_build_${Date.now()}`;
  const { replaced } = await beginRebuild(source.kind, build, total, { force: opts.force });
  let done = 0;
  try {
    if (replaced) await dropIndex(conn, replaced.buildIndex);
    // Before any document is built: documents pushed from now on carry what this index will need.
    if (source.buildInfo) await setBuildInfo(source.kind, await source.buildInfo());
    await conn.run(`create the index "${build}"`, () => conn.admin.createIndex(build, { primaryKey: 'id' }));
    await applySettings(conn, source, build, await source.settings(), 0);
    opts.progress?.(0, total);
    const index = conn.admin.index(build);
    for (let after: string | null = null; ;) {
      const ids = await source.idsAfter(after, batchSize);
      if (!ids.length) break;
      const docs = await source.documents(ids);
      if (docs.length) {
        await conn.run(
          `add ${docs.length} ${source.kind} documents to "${build}"`,
          () => index.addDocuments(docs, { primaryKey: 'id' }),
          taskBudgetMs({ documents: docs.length }),
        );
      }
      done += ids.length;
      after = ids[ids.length - 1] ?? null;
      await rebuildProgress(source.kind, done, Math.max(total, done));
      opts.progress?.(done, Math.max(total, done));
    }
    // The first build has no live index to swap with: an empty one stands in.
    if (!(await conn.indexExists(live)))
      await conn.run(`create the index "${live}"`, () => conn.admin.createIndex(live, { primaryKey: 'id' }));
    // `rename` is left out: servers before v1.18 refuse the field, and a swap is what we want.
    await conn.run(`swap "${live}" with "${build}"`, () => conn.admin.swapIndexes([{ indexes: [live, build] } as IndexSwap]));
    if (source.buildInfo) await promoteBuildInfo(source.kind);
  } catch (e) {
    try {
      await dropIndex(conn, build);
      await endRebuild(source.kind);
    } catch {
      // Meilisearch is unreachable: leave the marker for the next rebuild (or the sync worker) to
      // clean up, marked dead right away.
      await runRaw(rawClient(), `UPDATE search_state SET updated_at = 0 WHERE key = ?`, [`rebuild:${source.kind}`]);
    }
    throw e;
  }
  const { replay } = await endRebuild(source.kind);
  // `build` now names the old documents. Failing to delete them costs disk, not correctness.
  await dropIndex(conn, build).catch((e: unknown) =>
    log.warn({ index: build, error: String(e) }, 'search: could not delete the old index'),
  );
  return { documents: done, replay };
}
