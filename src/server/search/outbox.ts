/**
 * The durable outbox of the remote search engine (table search_outbox, see db/schema/search.ts).
 *
 * Writers call enqueueSearchChanges() inside the transaction that changes the data: the change
 * and the note "push this entity" commit together or not at all. The sync worker (sync.ts) claims
 * due rows, pushes the entities' current state to Meilisearch, and marks them pushed once the
 * task has succeeded; a failed push is retried with exponential backoff. Any kind of entity
 * (seizure, thread, document…) goes through the same table: a kind names a search source
 * (sources.ts) that knows how to turn ids into documents.
 *
 * Rebuild marker (search_state 'rebuild:<kind>'): while a zero-downtime rebuild of a kind's index
 * runs, pushed rows are kept instead of deleted; after the swap finishRebuild() bumps them so they
 * are pushed again, into the new live index (entities changed during the rebuild may have been
 * read by the rebuild before they changed).
 */
import { config } from '#src/server/config.ts';
import { sql } from 'drizzle-orm';
import { rawClient, type Executor } from '#src/server/db.ts';
import { allRows, col, runRaw, writeTransaction, type RawExec } from '#src/server/sql.ts';

export interface OutboxRow {
  kind: string;
  entityId: string;
  version: number;
  attempts: number;
}
const OUTBOX_ROW = { kind: col.text, entityId: col.text, version: col.int, attempts: col.int };

/** How long a worker may hold claimed rows before another process may take them over. */
export const CLAIM_LEASE_MS = 5 * 60_000;
/** A rebuild whose heartbeat is older than this is taken to have died. */
export const REBUILD_STALE_MS = 10 * 60_000;
const MAX_BACKOFF_MS = 60_000;

/** 1 s, 2 s, 4 s… up to a minute, with ±20 % jitter so that processes do not retry in step. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * Records that these entities changed; call it with the transaction that changed them. Nothing is
 * written when no remote engine is configured (FTS5 is kept in step by the same transaction).
 */
export async function enqueueSearchChanges(
  ex: RawExec,
  kind: string,
  ids: readonly (string | number)[],
  now: number = Date.now(),
): Promise<void> {
  if (!config.meilisearch || ids.length === 0) return;
  await runRaw(
    ex,
    `INSERT INTO search_outbox (kind, entity_id, changed_at) SELECT ?, CAST(value AS TEXT), ? FROM json_each(?) WHERE true
     ON CONFLICT (kind, entity_id) DO UPDATE SET version = version + 1, changed_at = excluded.changed_at,
       attempts = 0, next_attempt_at = 0, last_error = NULL`,
    [kind, now, JSON.stringify(ids.map(String))],
  );
}

/** enqueueSearchChanges for writers that hold a drizzle transaction (the threads room). */
export async function enqueueSearchChangesIn(ex: Executor, kind: string, ids: readonly (string | number)[], now: number = Date.now()) {
  if (!config.meilisearch || ids.length === 0) return;
  await ex.run(
    sql`INSERT INTO search_outbox (kind, entity_id, changed_at) SELECT ${kind}, CAST(value AS TEXT), ${now} FROM json_each(${JSON.stringify([...new Set(ids.map(String))])}) WHERE true
     ON CONFLICT (kind, entity_id) DO UPDATE SET version = version + 1, changed_at = excluded.changed_at,
       attempts = 0, next_attempt_at = 0, last_error = NULL`,
  );
}

/**
 * Claims up to `limit` due rows (oldest change first) for `leaseMs`, in one statement, so two
 * processes never push the same entity at once. `ignoreBackoff` (npm run search:sync) takes rows
 * that are waiting for their next retry too.
 */
export async function claimDue(
  opts: { limit: number; now?: number; leaseMs?: number; ignoreBackoff?: boolean },
  ex: RawExec = rawClient(),
): Promise<OutboxRow[]> {
  const now = opts.now ?? Date.now();
  const due = opts.ignoreBackoff ? '' : 'AND next_attempt_at <= ?';
  return allRows(
    ex,
    OUTBOX_ROW,
    `UPDATE search_outbox SET claimed_until = ?
     WHERE rowid IN (SELECT rowid FROM search_outbox WHERE version > pushed_version ${due} AND claimed_until <= ? ORDER BY changed_at LIMIT ?)
     RETURNING kind, entity_id AS entityId, version, attempts`,
    [now + (opts.leaseMs ?? CLAIM_LEASE_MS), ...(opts.ignoreBackoff ? [] : [now]), now, opts.limit],
  );
}

function keys(rows: readonly OutboxRow[]): string {
  return JSON.stringify(rows.map((r) => [r.kind, r.entityId, r.version]));
}
const MATCHES = `(kind, entity_id, version) IN (SELECT j.value ->> '$[0]', j.value ->> '$[1]', j.value ->> '$[2]' FROM json_each(?) j)`;
/** The same entities whatever their version now (to give back a claim). */
const SAME_ENTITY = `(kind, entity_id) IN (SELECT j.value ->> '$[0]', j.value ->> '$[1]' FROM json_each(?) j)`;

/**
 * The engine confirmed these versions. A row whose entity changed again meanwhile (a higher
 * version) stays pending. Pushed rows are deleted unless a rebuild of their kind is running.
 */
export async function markPushed(rows: readonly OutboxRow[]): Promise<void> {
  if (!rows.length) return;
  const json = keys(rows);
  await writeTransaction(async (tx) => {
    await runRaw(
      tx,
      `UPDATE search_outbox SET pushed_version = version, attempts = 0, last_error = NULL, claimed_until = 0 WHERE ${MATCHES}`,
      [json],
    );
    await runRaw(
      tx,
      `DELETE FROM search_outbox WHERE ${MATCHES} AND pushed_version = version
         AND NOT EXISTS (SELECT 1 FROM search_state WHERE key = 'rebuild:' || search_outbox.kind)`,
      [json],
    );
    // Entities that changed again while this push ran stay pending, free for the next round.
    await runRaw(tx, `UPDATE search_outbox SET claimed_until = 0 WHERE ${SAME_ENTITY}`, [json]);
  });
}

/** The push failed: count the attempt, remember why, and wait before the next one. */
export async function markFailed(rows: readonly OutboxRow[], error: string, now: number = Date.now(), ex: RawExec = rawClient()) {
  if (!rows.length) return;
  // One backoff for the batch, from its most-tried row.
  const attempts = Math.max(...rows.map((r) => r.attempts)) + 1;
  await runRaw(
    ex,
    `UPDATE search_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, claimed_until = 0 WHERE ${MATCHES}`,
    [error.slice(0, 1000), now + backoffMs(attempts), keys(rows)],
  );
  // A row that changed meanwhile was reset to "due now" by that change: just give its claim back.
  await runRaw(ex, `UPDATE search_outbox SET claimed_until = 0 WHERE ${SAME_ENTITY}`, [keys(rows)]);
}

/** Gives claimed rows back without counting an attempt (a worker stopping). */
export async function releaseClaims(rows: readonly OutboxRow[], ex: RawExec = rawClient()): Promise<void> {
  if (rows.length) await runRaw(ex, `UPDATE search_outbox SET claimed_until = 0 WHERE ${SAME_ENTITY}`, [keys(rows)]);
}

/** Pending rows another process has claimed and is pushing now (their lease not yet run out). */
export async function claimedElsewhere(now: number = Date.now(), ex: RawExec = rawClient()): Promise<number> {
  const [row] = await allRows(
    ex,
    { n: col.int },
    'SELECT count(*) AS n FROM search_outbox WHERE version > pushed_version AND claimed_until > ?',
    [now],
  );
  return row?.n ?? 0;
}

/** True while changes of this kind have not reached the remote engine yet. */
export async function hasPending(kind: string, ex: RawExec = rawClient()): Promise<boolean> {
  const rows = await allRows(
    ex,
    { one: col.int },
    'SELECT 1 AS one FROM search_outbox WHERE kind = ? AND version > pushed_version LIMIT 1',
    [kind],
  );
  return rows.length > 0;
}

export interface RebuildState {
  kind: string;
  /** The index being built. */
  buildIndex: string;
  startedAt: number;
  done: number;
  total: number;
  pid: number;
  /** Last heartbeat (ms). */
  updatedAt: number;
  /** No heartbeat for REBUILD_STALE_MS: the process that ran it has died. */
  stale: boolean;
}

export interface OutboxStats {
  pending: number;
  /** Pending rows whose last push failed. */
  failing: number;
  oldestPendingAt: number | null;
  lastError: string | null;
  nextRetryAt: number | null;
  byKind: { kind: string; pending: number }[];
  rebuilds: RebuildState[];
}

export async function outboxStats(now: number = Date.now(), ex: RawExec = rawClient()): Promise<OutboxStats> {
  const byKind = await allRows(
    ex,
    { kind: col.text, pending: col.int, failing: col.int, oldest: col.intOrNull, next: col.intOrNull },
    `SELECT kind, count(*) AS pending, sum(attempts > 0) AS failing, min(changed_at) AS oldest,
       min(CASE WHEN attempts > 0 THEN next_attempt_at END) AS next
     FROM search_outbox WHERE version > pushed_version GROUP BY kind ORDER BY kind`,
  );
  const [last] = await allRows(
    ex,
    { last_error: col.text },
    `SELECT last_error FROM search_outbox WHERE version > pushed_version AND last_error IS NOT NULL ORDER BY next_attempt_at DESC LIMIT 1`,
  );
  const oldest = byKind.map((k) => k.oldest).filter((v): v is number => v !== null);
  const next = byKind.map((k) => k.next).filter((v): v is number => v !== null);
  return {
    pending: byKind.reduce((n, k) => n + k.pending, 0),
    failing: byKind.reduce((n, k) => n + (k.failing ?? 0), 0),
    oldestPendingAt: oldest.length ? Math.min(...oldest) : null,
    lastError: last?.last_error ?? null,
    nextRetryAt: next.length ? Math.min(...next) : null,
    byKind: byKind.map((k) => ({ kind: k.kind, pending: k.pending })),
    rebuilds: await rebuildStates(now, ex),
  };
}

// ---------------------------------------------------------------------------------------
// The rebuild marker.

function parseRebuild(kind: string, value: string, updatedAt: number, now: number): RebuildState {
  const v = JSON.parse(value) as Omit<RebuildState, 'kind' | 'updatedAt' | 'stale'>;
  return { ...v, kind, updatedAt, stale: now - updatedAt > REBUILD_STALE_MS };
}

export async function rebuildStates(now: number = Date.now(), ex: RawExec = rawClient()): Promise<RebuildState[]> {
  const rows = await allRows(
    ex,
    { key: col.text, value: col.text, updated_at: col.int },
    `SELECT key, value, updated_at FROM search_state WHERE key LIKE 'rebuild:%' ORDER BY key`,
  );
  return rows.map((r) => parseRebuild(r.key.slice('rebuild:'.length), r.value, r.updated_at, now));
}

export async function rebuildState(kind: string, now: number = Date.now(), ex: RawExec = rawClient()): Promise<RebuildState | null> {
  const [row] = await allRows(ex, { value: col.text, updated_at: col.int }, `SELECT value, updated_at FROM search_state WHERE key = ?`, [
    `rebuild:${kind}`,
  ]);
  return row ? parseRebuild(kind, row.value, row.updated_at, now) : null;
}

export class RebuildRunningError extends Error {
  override name = 'RebuildRunningError';
  readonly state: RebuildState;
  constructor(state: RebuildState) {
    super(
      `A rebuild of the ${state.kind} search index is already running (process ${state.pid}, ${state.done}/${state.total}, ` +
        `started ${new Date(state.startedAt).toISOString()}); wait for it, or pass --force if that process is gone`,
    );
    this.state = state;
  }
}

/**
 * Marks the start of a rebuild. Refuses while another live rebuild of the kind runs (unless
 * `force`); returns the marker it replaced (a dead rebuild whose index must be cleaned up).
 */
export async function beginRebuild(
  kind: string,
  buildIndex: string,
  total: number,
  opts: { force?: boolean; now?: number } = {},
): Promise<{ replaced: RebuildState | null }> {
  const now = opts.now ?? Date.now();
  return writeTransaction(async (tx) => {
    const previous = await rebuildState(kind, now, tx);
    if (previous && !previous.stale && !opts.force) throw new RebuildRunningError(previous);
    const value = JSON.stringify({ buildIndex, startedAt: now, done: 0, total, pid: process.pid });
    await runRaw(
      tx,
      `INSERT INTO search_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [`rebuild:${kind}`, value, now],
    );
    return { replaced: previous };
  });
}

/** Progress and heartbeat of a running rebuild (shown on the admin page). */
export async function rebuildProgress(kind: string, done: number, total: number, now: number = Date.now()): Promise<void> {
  await runRaw(rawClient(), `UPDATE search_state SET value = json_set(value, '$.done', ?, '$.total', ?), updated_at = ? WHERE key = ?`, [
    done,
    total,
    now,
    `rebuild:${kind}`,
  ]);
}

/**
 * Ends a rebuild (after the swap, or when abandoning a dead one): removes the marker and bumps
 * every outbox row of the kind, so that whatever changed while it ran is pushed again into the
 * index that is live now. A push in flight for an older version cannot mark the bumped row done.
 */
export async function endRebuild(kind: string): Promise<{ replay: number }> {
  return writeTransaction(async (tx) => {
    await runRaw(tx, `DELETE FROM search_state WHERE key = ?`, [`rebuild:${kind}`]);
    const [row] = await allRows(tx, { n: col.int }, `SELECT count(*) AS n FROM search_outbox WHERE kind = ?`, [kind]);
    await runRaw(
      tx,
      `UPDATE search_outbox SET version = version + 1, attempts = 0, next_attempt_at = 0, last_error = NULL WHERE kind = ?`,
      [kind],
    );
    return { replay: row?.n ?? 0 };
  });
}

/**
 * What a kind's documents were built with (a source's `buildInfo`: the shape of its documents, the
 * vocabulary it indexed), for queries that need it: 'index-info:<kind>' for the live index, set when a
 * rebuild swaps its index in; 'build-info:<kind>' for a rebuild's index while it is filled.
 */
export async function indexInfo(kind: string, ex: RawExec = rawClient()): Promise<{ live: unknown; building: unknown }> {
  const rows = await allRows(ex, { key: col.text, value: col.text }, `SELECT key, value FROM search_state WHERE key IN (?, ?)`, [
    `index-info:${kind}`,
    `build-info:${kind}`,
  ]);
  const value = (key: string): unknown => {
    const row = rows.find((r) => r.key === key);
    return row ? (JSON.parse(row.value) as unknown) : null;
  };
  return { live: value(`index-info:${kind}`), building: value(`build-info:${kind}`) };
}

/** A rebuild starts filling its index with documents built with `info`. */
export async function setBuildInfo(kind: string, info: unknown, now: number = Date.now()): Promise<void> {
  await runRaw(
    rawClient(),
    `INSERT INTO search_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    [`build-info:${kind}`, JSON.stringify(info), now],
  );
}

/** The rebuilt index is live: its build info becomes the live index's. */
export async function promoteBuildInfo(kind: string, now: number = Date.now()): Promise<void> {
  await writeTransaction(async (tx) => {
    await runRaw(
      tx,
      `INSERT INTO search_state (key, value, updated_at) SELECT ?, value, ? FROM search_state WHERE key = ?
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [`index-info:${kind}`, now, `build-info:${kind}`],
    );
    await runRaw(tx, `DELETE FROM search_state WHERE key = ?`, [`build-info:${kind}`]);
  });
}
