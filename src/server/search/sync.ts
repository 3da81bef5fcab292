/**
 * Pushes the outbox to Meilisearch: a worker in each server process (started by the middleware
 * on the first request, and by `npm start`), and `npm run search:sync` for a one-off drain.
 * Pushes run after the commit that wrote the outbox row; a failed push is retried with backoff
 * (per row, and for the whole loop while Meilisearch does not answer), so an outage loses
 * nothing and the backlog drains when the server is back.
 */
import { config } from '#src/server/config.ts';
import { onShutdown } from '#src/server/lifecycle.ts';
import { log } from '#src/server/log.ts';
import { describeError, meiliConnection } from './meili-client.ts';
import { claimDue, claimedElsewhere, markFailed, markPushed, outboxStats, rebuildStates, type OutboxRow } from './outbox.ts';
import { abandonRebuild, prepareIndex, pushEntities } from './remote-index.ts';
import { searchSourceFor, searchSources } from './sources.ts';

export interface DrainResult {
  claimed: number;
  pushed: number;
  failed: number;
  errors: string[];
}

/** Claims one batch of due rows and pushes it, kind by kind. */
export async function drainOnce(opts: { limit?: number; ignoreBackoff?: boolean } = {}): Promise<DrainResult> {
  const result: DrainResult = { claimed: 0, pushed: 0, failed: 0, errors: [] };
  const conn = meiliConnection();
  if (!conn) return result;
  const rows = await claimDue({ limit: opts.limit ?? 1000, ignoreBackoff: opts.ignoreBackoff });
  result.claimed = rows.length;
  const byKind = new Map<string, OutboxRow[]>();
  for (const r of rows) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
  for (const [kind, list] of byKind) {
    const source = searchSourceFor(kind);
    try {
      if (!source) throw new Error(`No search source handles the outbox kind "${kind}"`);
      await pushEntities(
        conn,
        source,
        list.map((r) => r.entityId),
      );
      await markPushed(list);
      result.pushed += list.length;
    } catch (e) {
      const message = describeError(e);
      await markFailed(list, message);
      result.failed += list.length;
      result.errors.push(message);
    }
  }
  return result;
}

/** Ends rebuilds whose process died (their half-built index is removed, their changes replayed). */
export async function cleanUpDeadRebuilds(): Promise<string[]> {
  const conn = meiliConnection();
  if (!conn) return [];
  const cleaned: string[] = [];
  for (const state of await rebuildStates()) {
    if (!state.stale) continue;
    await abandonRebuild(conn, state);
    cleaned.push(state.buildIndex);
  }
  return cleaned;
}

/** How long drainAll waits for rows that a running server's worker is pushing. */
const WAIT_FOR_OTHERS_MS = 60_000;

/**
 * Drains until nothing is pending (npm run search:sync), ignoring backoff; stops after a round in
 * which every push failed. Rows that a running server's worker holds are waited for (that push
 * finishes, or gives them back when a rebuild has bumped them meanwhile) rather than reported as
 * pending. Returns what is still pending.
 */
export async function drainAll(
  onProgress?: (pushed: number, pending: number) => void,
  opts: { waitForOthersMs?: number } = {},
): Promise<{ pushed: number; pending: number; errors: string[] }> {
  let pushed = 0;
  const errors: string[] = [];
  const waitUntil = Date.now() + (opts.waitForOthersMs ?? WAIT_FOR_OTHERS_MS);
  await cleanUpDeadRebuilds();
  for (;;) {
    const r = await drainOnce({ ignoreBackoff: true });
    pushed += r.pushed;
    errors.push(...r.errors);
    const { pending } = await outboxStats();
    onProgress?.(pushed, pending);
    if (pending === 0) return { pushed, pending, errors };
    if (r.claimed === 0 && Date.now() < waitUntil && (await claimedElsewhere()) > 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    if (r.claimed === 0 || r.pushed === 0) return { pushed, pending, errors };
  }
}

// ---------------------------------------------------------------------------------------
// The worker.

interface Worker {
  stop(): Promise<void>;
  nudge(): void;
}

let worker: Worker | null = null;

const IDLE_MS = 2000;
const MAX_LOOP_BACKOFF_MS = 30_000;

/**
 * Starts the outbox worker of this process (once; nothing when no remote engine is configured).
 * Its first job is the start-up check of the indexes: settings brought up to date.
 */
export function startSearchSync(opts: { idleMs?: number } = {}): void {
  if (worker || !config.meilisearch) return;
  let stopped = false;
  let wake: (() => void) | null = null;
  let nudged = false;
  let prepared = false;
  let failures = 0;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (nudged) return resolve();
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  async function prepare() {
    const conn = meiliConnection();
    if (!conn) return;
    for (const source of searchSources()) {
      const outcome = await prepareIndex(conn, source);
      if (outcome.state === 'missing')
        log.warn(
          { index: source.indexUid },
          `search: the Meilisearch index "${source.indexUid}" does not exist: searches use FTS5 until npm run search:reindex builds it`,
        );
      if (outcome.state === 'updated')
        log.info({ index: source.indexUid, changed: outcome.changed }, `search: settings of "${source.indexUid}" updated`);
    }
    await cleanUpDeadRebuilds();
  }

  const done = (async () => {
    while (!stopped) {
      nudged = false;
      let busy = false;
      try {
        if (!prepared) {
          await prepare();
          prepared = true;
        }
        const r = await drainOnce();
        if (r.failed) {
          failures++;
          log.warn({ failed: r.failed, error: r.errors[0] }, 'search: changes not pushed to Meilisearch, will retry');
        } else failures = 0;
        busy = r.claimed > 0 && r.failed === 0;
      } catch (e) {
        failures++;
        log.warn({ error: describeError(e) }, 'search: outbox worker');
      }
      if (stopped) break;
      if (!busy) await sleep(failures ? Math.min(MAX_LOOP_BACKOFF_MS, 1000 * 2 ** (failures - 1)) : (opts.idleMs ?? IDLE_MS));
    }
  })();

  // A push in flight finishes (or is given up) before the process ends; its rows are claimed
  // for a few minutes at most, then any process pushes them again.
  onShutdown(stopSearchSync);
  worker = {
    nudge() {
      nudged = true;
      wake?.();
    },
    async stop() {
      stopped = true;
      wake?.();
      await done;
    },
  };
}

/** Wakes the worker now (after a commit that wrote outbox rows). */
export function nudgeSearchSync(): void {
  worker?.nudge();
}

export async function stopSearchSync(): Promise<void> {
  const w = worker;
  worker = null;
  await w?.stop();
}
