/**
 * The connection to Meilisearch and the rules every call follows:
 * - searches use a short request timeout (MEILISEARCH_TIMEOUT_MS) so that a hung server costs a
 *   search that much and no more (the caller then answers from FTS5);
 * - writes return a task; every task is awaited with a budget sized to its work and its final
 *   status is checked: a failed or canceled task throws MeiliTaskError with Meilisearch's own
 *   message and code, a task still running after its budget throws MeiliTaskTimeoutError.
 */
import {
  Meilisearch,
  MeilisearchApiError,
  MeilisearchRequestError,
  type EnqueuedTask,
  type MeilisearchErrorResponse,
  type Task,
  type TaskStatus,
} from 'meilisearch';
import { config } from '#src/server/config.ts';

export interface MeiliOptions {
  host: string;
  /** Key for writes: documents, settings, indexes, tasks, stats. */
  apiKey?: string;
  /** Search-only key for searches (the write key when not given). */
  searchKey?: string;
  /** Request timeout of searches and health checks (ms). */
  timeoutMs: number;
}

/** A task that ended `failed` or `canceled`. */
type TaskOutcome = { uid: number; type?: string; status: TaskStatus; indexUid?: string | null; error?: MeilisearchErrorResponse | null };

export class MeiliTaskError extends Error {
  override name = 'MeiliTaskError';
  readonly what: string;
  readonly task: TaskOutcome;
  constructor(what: string, task: TaskOutcome) {
    const reason = task.error ? `${task.error.message} [${task.error.code}]` : 'no reason given';
    super(
      `Meilisearch could not ${what}: task ${task.uid} (${task.type ?? 'task'} on ${task.indexUid ?? 'no index'}) ${task.status}: ${reason}`,
    );
    this.what = what;
    this.task = task;
  }
  get code(): string | undefined {
    return this.task.error?.code;
  }
}

/** A task still enqueued or processing when its budget ran out (it goes on running on the server). */
export class MeiliTaskTimeoutError extends Error {
  override name = 'MeiliTaskTimeoutError';
  readonly taskUid: number;
  readonly status: TaskStatus;
  constructor(what: string, taskUid: number, status: TaskStatus, waitedMs: number) {
    super(
      `Meilisearch did not finish "${what}" in ${Math.round(waitedMs / 1000)} s: task ${taskUid} is still ${status} ` +
        `(it goes on running on the server: GET /tasks/${taskUid})`,
    );
    this.taskUid = taskUid;
    this.status = status;
  }
}

/**
 * How long a task may take before we stop waiting: a base for the queue and the request, plus
 * time per document it touches. Generous on purpose (a budget, not a sleep): Meilisearch indexes
 * thousands of small documents per second; these allow 200 per second on a busy server.
 */
export function taskBudgetMs(work: { documents?: number } = {}): number {
  return 30_000 + 5 * (work.documents ?? 0);
}

/** Meilisearch did not answer (network, timeout, 5xx): a reason to answer from FTS5 instead. */
export function isUnavailable(e: unknown): boolean {
  if (e instanceof MeilisearchRequestError) return true;
  if (e instanceof MeilisearchApiError) return e.response.status >= 500;
  return e instanceof MeiliTaskTimeoutError;
}

/** The error code of a Meilisearch API error (e.g. `index_not_found`), if it is one. */
export function apiErrorCode(e: unknown): string | undefined {
  return e instanceof MeilisearchApiError ? e.cause?.code : undefined;
}

/** A one-line description of an error for logs and the admin page (never contains the key). */
export function describeError(e: unknown): string {
  if (e instanceof MeilisearchRequestError) {
    const cause = e.cause as { name?: string; message?: string; cause?: { code?: string } } | undefined;
    const detail = cause?.name === 'MeilisearchRequestTimeOutError' ? cause.message : (cause?.cause?.code ?? cause?.message);
    return `Meilisearch did not answer: ${detail ?? e.message}`;
  }
  if (e instanceof MeilisearchApiError) return `Meilisearch refused: ${e.message}${e.cause?.code ? ` [${e.cause.code}]` : ''}`;
  return e instanceof Error ? e.message : String(e);
}

export class MeiliConnection {
  /** For searches: the search key and the short timeout. */
  readonly search: Meilisearch;
  /** For writes and task polling: uploads of 5,000 documents need longer than a search. */
  readonly admin: Meilisearch;
  /** For health checks and stats: the write key, the short timeout. */
  readonly probe: Meilisearch;
  readonly options: MeiliOptions;

  constructor(options: MeiliOptions) {
    this.options = options;
    const { host, apiKey, timeoutMs } = options;
    this.search = new Meilisearch({ host, apiKey: options.searchKey ?? apiKey, timeout: timeoutMs });
    this.admin = new Meilisearch({ host, apiKey, timeout: Math.max(timeoutMs, 30_000) });
    this.probe = new Meilisearch({ host, apiKey, timeout: timeoutMs });
  }

  /**
   * Enqueues a task, waits for it within `budgetMs` and checks how it ended. Polls quickly at
   * first (small tasks end in milliseconds), then every second.
   */
  async run(what: string, enqueue: () => Promise<EnqueuedTask>, budgetMs: number = taskBudgetMs()): Promise<Task> {
    const enqueued = await enqueue();
    const started = Date.now();
    let interval = 25;
    for (;;) {
      const task = await this.admin.tasks.getTask(enqueued.taskUid);
      if (task.status === 'succeeded') return task;
      if (task.status === 'failed' || task.status === 'canceled') throw new MeiliTaskError(what, task);
      const waited = Date.now() - started;
      if (waited >= budgetMs) throw new MeiliTaskTimeoutError(what, task.uid, task.status, waited);
      await new Promise((r) => setTimeout(r, Math.min(interval, budgetMs - waited)));
      interval = Math.min(1000, interval * 2);
    }
  }

  /** Whether the index exists (GET /indexes/:uid answers 404 index_not_found when not). */
  async indexExists(uid: string): Promise<boolean> {
    try {
      await this.admin.getRawIndex(uid);
      return true;
    } catch (e) {
      if (apiErrorCode(e) === 'index_not_found') return false;
      throw e;
    }
  }
}

let shared: { key: string; connection: MeiliConnection } | undefined;

/** The process's connection to the configured Meilisearch, or null when search runs on FTS5 alone. */
export function meiliConnection(): MeiliConnection | null {
  const settings = config.meilisearch;
  if (!settings) return null;
  const key = [settings.host, settings.apiKey ?? '', settings.searchKey ?? '', settings.timeoutMs].join('\u0000');
  if (shared?.key !== key) shared = { key, connection: new MeiliConnection(settings) };
  return shared.connection;
}
