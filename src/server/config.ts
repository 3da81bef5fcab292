/**
 * Every environment variable the portal reads, validated once with zod. Nothing else in src/
 * reads `process.env`: a wrong value stops the server at start with the variable's name
 * (`scripts/start.ts` and `scripts/demo.ts` call `loadConfig()` before serving).
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';

const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);
const count = (fallback: number) => z.preprocess(blankToUndefined, z.coerce.number().int().nonnegative().default(fallback));
const text = () => z.preprocess(blankToUndefined, z.string().optional());
const url = () => z.preprocess(blankToUndefined, z.url().optional());
const flag = () =>
  z.preprocess(blankToUndefined, z.enum(['0', '1', 'true', 'false']).optional()).transform((v) => v === '1' || v === 'true');

const schema = z
  .object({
    PORT: count(4321),
    HOST: z.preprocess(blankToUndefined, z.string().default('0.0.0.0')),
    DATABASE_URL: z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^(file:|libsql:|https?:|wss?:)/, 'a libSQL URL (file:…, libsql://…)')
        .default('file:data/portal.db'),
    ),
    DATABASE_AUTH_TOKEN: text(),
    PUBLIC_ORIGIN: url(),
    TRUST_PROXY: flag(),
    SESSION_IDLE_MINUTES: count(30),
    SESSION_ABSOLUTE_HOURS: count(12),
    SIGNIN_LOCKOUT_FAILURES: count(5),
    SIGNIN_LOCKOUT_MINUTES: count(10),
    SIGNIN_IP_FAILURE_LIMIT: count(30),
    SIGNIN_IP_WINDOW_MINUTES: count(15),
    INVITATION_DAYS: count(7),
    MFA_REQUIRED: z.preprocess(blankToUndefined, z.enum(['all', 'privileged', 'off']).default('privileged')),
    MFA_STEP_UP_MINUTES: count(15),
    MEILISEARCH_URL: url(),
    MEILISEARCH_KEY: text(),
    MEILISEARCH_SEARCH_KEY: text(),
    MEILISEARCH_INDEX_PREFIX: z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{0,100}$/, 'letters, digits, - and _ only')
        .default(''),
    ),
    MEILISEARCH_TIMEOUT_MS: z.preprocess(blankToUndefined, z.coerce.number().int().min(100).max(600_000).default(1500)),
    SEARCH_OUTBOX_MAX_AGE_SECONDS: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(86_400).default(600)),
    SMTP_URL: text(),
    SMTP_FROM: z.preprocess(blankToUndefined, z.string().default('Armas Cruzadas <no-reply@armas-cruzadas.invalid>')),
    DEMO_SEIZURES: count(3000),
    THREAD_POST_LIMIT: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).default(10)),
    THREAD_POST_WINDOW_MINUTES: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).default(5)),
    WEB_CONCURRENCY: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(256).optional()),
    SHUTDOWN_TIMEOUT_SECONDS: count(10),
    LOG_LEVEL: z.preprocess(blankToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
    INTERNAL_METRICS: flag(),
    REQUEST_TIME_LIMIT_MS: count(10_000),
    MAX_REQUESTS_IN_FLIGHT: count(64),
    RENDER_CONCURRENCY: count(2),
    READ_WORKERS: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(16).default(0)),
    UPLOAD_MAX_MB: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(10_240).default(50)),
    DOCUMENT_RETENTION_DAYS: count(30),
    FILES_DIR: z.preprocess(blankToUndefined, z.string().default('data/files')),
    S3_ENDPOINT: url(),
    S3_BUCKET: text(),
    S3_REGION: z.preprocess(blankToUndefined, z.string().default('us-east-1')),
    S3_ACCESS_KEY_ID: text(),
    S3_SECRET_ACCESS_KEY: text(),
    S3_FORCE_PATH_STYLE: z
      .preprocess(blankToUndefined, z.enum(['0', '1', 'true', 'false']).default('1'))
      .transform((v) => v === '1' || v === 'true'),
  })
  .refine((s) => Boolean(s.S3_ENDPOINT) === Boolean(s.S3_BUCKET), {
    message: 'S3_ENDPOINT and S3_BUCKET are set together',
    path: ['S3_BUCKET'],
  });

export type Settings = z.infer<typeof schema>;

export class ConfigError extends Error {
  constructor(issues: z.core.$ZodIssue[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

let cached: Settings | undefined;

/** Parses the environment (once); throws a ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Settings {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues);
  cached = parsed.data;
  return cached;
}

/** Tests and scripts that change `process.env` after start call this to read it again. */
export function reloadConfig(): Settings {
  cached = undefined;
  return settings();
}

function settings(): Settings {
  return cached ?? loadConfig();
}

/** Named, unit-converted views of the settings, as the rest of the server uses them. */
export const config = {
  get port(): number {
    return settings().PORT;
  },
  get host(): string {
    return settings().HOST;
  },
  get databaseUrl(): string {
    return settings().DATABASE_URL;
  },
  get databaseAuthToken(): string | undefined {
    return settings().DATABASE_AUTH_TOKEN;
  },
  /** The public address (invitation links, feeds, e-mails); `https:` makes cookies Secure behind a proxy. */
  get publicOrigin(): string | undefined {
    return settings().PUBLIC_ORIGIN?.replace(/\/$/, '');
  },
  /** Take the client address from X-Forwarded-For (only behind our own proxy). */
  get trustProxy(): boolean {
    return settings().TRUST_PROXY;
  },
  /** Idle timeout of a session (minutes without a request). */
  get sessionIdleMs(): number {
    return settings().SESSION_IDLE_MINUTES * 60_000;
  },
  /** Absolute lifetime of a session, however active. */
  get sessionAbsoluteMs(): number {
    return settings().SESSION_ABSOLUTE_HOURS * 3_600_000;
  },
  get lockoutFailures(): number {
    return settings().SIGNIN_LOCKOUT_FAILURES;
  },
  get lockoutMs(): number {
    return settings().SIGNIN_LOCKOUT_MINUTES * 60_000;
  },
  /** Failed sign-ins from one IP address within the window before that address is held off. */
  get ipFailureLimit(): number {
    return settings().SIGNIN_IP_FAILURE_LIMIT;
  },
  get ipWindowMs(): number {
    return settings().SIGNIN_IP_WINDOW_MINUTES * 60_000;
  },
  /** Who must have a second factor: every account, admins and editors (default), or nobody. */
  get mfaRequired(): 'all' | 'privileged' | 'off' {
    return settings().MFA_REQUIRED;
  },
  /** Sensitive actions ask for the second factor again when the last verification is older than this. */
  get stepUpMs(): number {
    return settings().MFA_STEP_UP_MINUTES * 60_000;
  },
  get invitationMs(): number {
    return settings().INVITATION_DAYS * 86_400_000;
  },
  /** Meilisearch replaces the embedded FTS5 engine when its URL is set. */
  get meilisearch(): {
    host: string;
    /** Writes (outbox, reindex, settings). */
    apiKey: string | undefined;
    /** Searches; the write key when not given. */
    searchKey: string | undefined;
    timeoutMs: number;
    indexPrefix: string;
  } | null {
    const s = settings();
    return s.MEILISEARCH_URL
      ? {
          host: s.MEILISEARCH_URL,
          apiKey: s.MEILISEARCH_KEY,
          searchKey: s.MEILISEARCH_SEARCH_KEY ?? s.MEILISEARCH_KEY,
          timeoutMs: s.MEILISEARCH_TIMEOUT_MS,
          indexPrefix: s.MEILISEARCH_INDEX_PREFIX,
        }
      : null;
  },
  /** /readyz: a forum or document change waiting longer than this for Meilisearch makes the process not ready. */
  get searchOutboxMaxAgeMs(): number {
    return settings().SEARCH_OUTBOX_MAX_AGE_SECONDS * 1000;
  },
  get smtp(): { url: string; from: string } | null {
    const s = settings();
    return s.SMTP_URL ? { url: s.SMTP_URL, from: s.SMTP_FROM } : null;
  },
  get demoSeizures(): number {
    return settings().DEMO_SEIZURES;
  },
  /** Posting rate in the forum: at most this many posts (threads and replies) per member… */
  get threadPostLimit(): number {
    return settings().THREAD_POST_LIMIT;
  },
  /** …within this window. */
  get threadPostWindowMs(): number {
    return settings().THREAD_POST_WINDOW_MINUTES * 60_000;
  },
  /** Server processes `npm start` runs: one per core unless WEB_CONCURRENCY says otherwise. */
  get webConcurrency(): number {
    return settings().WEB_CONCURRENCY ?? availableParallelism();
  },
  /** How long a stopping server waits for requests in flight before it closes their connections. */
  get shutdownTimeoutMs(): number {
    return settings().SHUTDOWN_TIMEOUT_SECONDS * 1000;
  },
  get logLevel(): Settings['LOG_LEVEL'] {
    return settings().LOG_LEVEL;
  },
  /** A page (GET) still unanswered after this long gets the 503 page instead; 0 turns the limit off. */
  get requestTimeLimitMs(): number {
    return settings().REQUEST_TIME_LIMIT_MS;
  },
  /**
   * Pages and form posts one server process works on at once; the next one is answered at once
   * with the 503 page (Retry-After) instead of queueing behind them. 0: no cap.
   */
  get maxRequestsInFlight(): number {
    return settings().MAX_REQUESTS_IN_FLIGHT;
  },
  /** Pages (GET) one server process renders at once (default 2); the others wait their turn in arrival order. 0: no limit — see README. */
  get renderConcurrency(): number {
    return settings().RENDER_CONCURRENCY;
  },
  /** Worker threads per process that run searches' and exports' read-only SQL off the request thread (embedded database only). 0 (default): none — experimental, see README. */
  get readWorkers(): number {
    return settings().READ_WORKERS;
  },
  /** /internal/metrics.json answers (loopback callers only): memory and event-loop delay for the load benchmark. */
  get internalMetrics(): boolean {
    return settings().INTERNAL_METRICS;
  },
  /** Largest file an upload accepts, in bytes (refused while streaming). */
  get uploadMaxBytes(): number {
    return settings().UPLOAD_MAX_MB * 1024 * 1024;
  },
  /** How long a deleted document is kept before `npm run documents:purge` removes it. */
  get documentRetentionMs(): number {
    return settings().DOCUMENT_RETENTION_DAYS * 86_400_000;
  },
  /** The local file store (and the upload temp folder, also used in front of S3). */
  get filesDir(): string {
    return settings().FILES_DIR;
  },
  /** S3-compatible object storage replaces the local file store when endpoint and bucket are set. */
  get s3(): {
    endpoint: string;
    bucket: string;
    region: string;
    accessKeyId?: string;
    secretAccessKey?: string;
    forcePathStyle: boolean;
  } | null {
    const s = settings();
    if (!s.S3_ENDPOINT || !s.S3_BUCKET) return null;
    return {
      endpoint: s.S3_ENDPOINT,
      bucket: s.S3_BUCKET,
      region: s.S3_REGION,
      ...(s.S3_ACCESS_KEY_ID ? { accessKeyId: s.S3_ACCESS_KEY_ID } : {}),
      ...(s.S3_SECRET_ACCESS_KEY ? { secretAccessKey: s.S3_SECRET_ACCESS_KEY } : {}),
      forcePathStyle: s.S3_FORCE_PATH_STYLE,
    };
  },
};
