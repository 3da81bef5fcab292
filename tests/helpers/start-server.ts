import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const TEST_PASSWORD = 'test-demo-passphrase-2026';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface RunningServer {
  baseUrl: string;
  databaseUrl: string;
  /** The server process (the cluster's primary when WEB_CONCURRENCY > 1). */
  child: ChildProcess;
  /** Everything the server printed so far (JSON log lines, one per request). */
  output: () => string;
  /** Resolves when the server has printed a line that `match` accepts (fails if it exits first). */
  waitForOutput: (match: (line: string) => boolean, what: string) => Promise<string>;
  /** Stops the server gracefully (SIGTERM), removes its files and returns its exit code. */
  stop: () => Promise<number | null>;
  /** The document file store of the server (FILES_DIR). */
  filesDir: string;
}

/**
 * Runs the built portal with our own server (scripts/serve.ts, as `npm start` serves it) on a
 * free port, spawning node directly so the pid we signal is the server's. One process unless
 * `WEB_CONCURRENCY` is given. Resolves once `readyPath` answers (any status below 500 unless
 * `readyStatus` says otherwise); throws with the server's output if it exits or never answers.
 */
export async function launchServer(
  env: Record<string, string>,
  { readyPath = '/healthz', readyStatus = (s: number) => s < 500, cleanup = () => {} } = {},
): Promise<Omit<RunningServer, 'databaseUrl'>> {
  const port = await freePort();
  // As `npm start` runs it (package.json): a small young generation keeps the peak RSS down, and a
  // fixed old-generation growth keeps full collections as rare after an idle spell as before it.
  const child: ChildProcess = spawn(process.execPath, ['--max-semi-space-size=8', '--heap-growing-percent=50', 'scripts/serve.ts'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), WEB_CONCURRENCY: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    output += d.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const waitForOutput = (match: (line: string) => boolean, what: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const line = output.split('\n').find(match);
        if (line !== undefined) {
          listeners.delete(check);
          resolve(line);
        }
      };
      listeners.add(check);
      check();
      void exited.then(() => {
        listeners.delete(check);
        const line = output.split('\n').find(match);
        if (line !== undefined) resolve(line);
        else reject(new Error(`server exited before printing ${what}:\n${output}`));
      });
    });

  const baseUrl = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      const res = await fetch(`${baseUrl}${readyPath}`);
      await res.arrayBuffer();
      if (readyStatus(res.status)) break;
    } catch {
      /* not listening yet */
    }
    // A generous bound for a busy machine; the usual start takes well under a second.
    if (Date.now() - started > 60_000) {
      child.kill('SIGKILL');
      throw new Error(`server did not answer ${readyPath} within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    baseUrl,
    child,
    filesDir: env.FILES_DIR ?? 'data/files',
    output: () => output,
    waitForOutput,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      if (process.env.KEEP_TEST_SERVER_OUTPUT) console.log(output);
      cleanup();
      return child.exitCode;
    },
  };
}

/**
 * Settings a test server may be given that seeding never reads: a database seeded without them is
 * the same file, so such servers start from a copy of one seeded template (see templateFor).
 */
const SERVING_ONLY = new Set([
  'SMTP_URL',
  'SMTP_FROM',
  'WEB_CONCURRENCY',
  'LOG_LEVEL',
  'REQUEST_TIME_LIMIT_MS',
  'MAX_REQUESTS_IN_FLIGHT',
  'RENDER_CONCURRENCY',
  'READ_WORKERS',
  'INTERNAL_METRICS',
  'SHUTDOWN_TIMEOUT_SECONDS',
  'SIGNIN_IP_FAILURE_LIMIT',
  'SIGNIN_IP_WINDOW_MINUTES',
  'SIGNIN_LOCKOUT_FAILURES',
  'SIGNIN_LOCKOUT_MINUTES',
  'SESSION_IDLE_MINUTES',
  'SESSION_ABSOLUTE_HOURS',
  'MFA_REQUIRED',
  'MFA_STEP_UP_MINUTES',
  'THREAD_POST_LIMIT',
  'THREAD_POST_WINDOW_MINUTES',
  'UPLOAD_MAX_MB',
]);
/** Seeding writes to these when they are set (search engine, object storage): never from a template. */
const SEED_SIDE_EFFECTS = ['MEILISEARCH_URL', 'S3_ENDPOINT'];

/** Everything the seeded data depends on: the code that writes it and the demo settings. */
function seedFingerprint(demoSeizures: string): string {
  const hash = createHash('sha256');
  hash.update(`${demoSeizures}\0${TEST_PASSWORD}\0`);
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) for (const entry of readdirSync(path).sort()) visit(join(path, entry));
    else hash.update(`${path}\0`).update(readFileSync(path));
  };
  for (const source of ['src', 'db', 'content', 'package-lock.json', 'tests/helpers/seed-test-db.ts']) visit(source);
  return hash.digest('hex').slice(0, 16);
}

const TEMPLATES = resolve('tmp/test-databases');

/** Runs tests/helpers/seed-test-db.ts (migrations and the demo data) into `dir`. */
async function seedInto(dir: string, env: Record<string, string>): Promise<void> {
  // Seeding runs in its own process so this test process keeps no database handle open.
  await new Promise<void>((resolvePromise, reject) => {
    const seed = spawn(process.execPath, ['tests/helpers/seed-test-db.ts'], {
      env: { ...process.env, ...env, DATABASE_URL: `file:${join(dir, 'portal.db')}`, FILES_DIR: join(dir, 'files') },
      stdio: 'inherit',
    });
    seed.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`seeding failed with ${code}`))));
  });
}

/**
 * The demo data seeded once into tmp/test-databases/<fingerprint>/ (database and file store), for
 * every test server of every run until the seeding code or data changes. Test files run in parallel
 * workers, so the first to need a template seeds it under a lock (an exclusive mkdir) and the others
 * wait for its `ready` mark. Old templates (other fingerprints) are removed when a new one is made.
 */
export async function templateFor(demoSeizures: string): Promise<string> {
  const key = seedFingerprint(demoSeizures);
  const dir = join(TEMPLATES, key);
  const ready = join(dir, 'ready');
  const lock = `${dir}.lock`;
  mkdirSync(TEMPLATES, { recursive: true });
  const started = Date.now();
  while (!existsSync(ready)) {
    let mine = false;
    try {
      mkdirSync(lock);
      mine = true;
    } catch {
      // Another process is seeding it; a lock older than 10 minutes was left by a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true });
    }
    if (mine) {
      try {
        if (existsSync(ready)) break;
        for (const old of readdirSync(TEMPLATES))
          if (!old.startsWith(key) && Date.now() - statSync(join(TEMPLATES, old)).mtimeMs > 3_600_000)
            rmSync(join(TEMPLATES, old), { recursive: true, force: true });
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        await seedInto(dir, { DEMO_PASSWORD: TEST_PASSWORD, DEMO_SEIZURES: demoSeizures });
        writeFileSync(ready, new Date().toISOString());
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
      break;
    }
    if (Date.now() - started > 900_000) throw new Error(`the test database template ${dir} was not ready within 15 minutes`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return dir;
}

/**
 * A fresh database file with the demo data (as `npm run demo` makes it; `DEMO_SEIZURES` in `env` says
 * how many seizures), in its own temporary directory with its own file store. Unless `extraEnv` sets
 * something seeding reads (Meilisearch, S3), it is a copy of a template seeded once (templateFor):
 * a copy takes milliseconds where seeding 3,000 seizures takes seconds.
 */
export async function seedTestDatabase(extraEnv: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'armas-server-'));
  const databaseUrl = `file:${join(dir, 'portal.db')}`;
  const env = {
    DATABASE_URL: databaseUrl,
    FILES_DIR: join(dir, 'files'),
    DEMO_PASSWORD: TEST_PASSWORD,
    // Browser and HTTP tests sign in many times from one address.
    SIGNIN_IP_FAILURE_LIMIT: '1000',
    ...extraEnv,
  };
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const effective: Record<string, string | undefined> = { ...process.env, ...extraEnv };
  const fromTemplate =
    Object.keys(extraEnv).every((k) => k === 'DEMO_SEIZURES' || SERVING_ONLY.has(k)) && SEED_SIDE_EFFECTS.every((k) => !effective[k]);
  try {
    if (fromTemplate) {
      const template = await templateFor(effective.DEMO_SEIZURES || '3000');
      // The seeding process closed the database, so its WAL is checkpointed into portal.db.
      for (const entry of readdirSync(template))
        if (entry !== 'ready') cpSync(join(template, entry), join(dir, entry), { recursive: true, mode: constants.COPYFILE_FICLONE });
    } else {
      await seedInto(dir, env);
    }
  } catch (error) {
    cleanup();
    throw error;
  }
  return { databaseUrl, env, cleanup };
}

/** The database of each server this process started (startServer), by base URL. */
const databases = new Map<string, string>();

/**
 * The database behind a test server this process started, so a helper given only a base URL (the
 * TOTP step of a sign-in reads which step the server last accepted) reads that server's database.
 */
export function databaseUrlOf(baseUrl: string): string | undefined {
  return databases.get(new URL(baseUrl).origin);
}

/** seedTestDatabase, served by launchServer; stop() removes the database too. */
export async function startServer(extraEnv: Record<string, string> = {}, readyPath = '/es/'): Promise<RunningServer> {
  const { databaseUrl, env, cleanup } = await seedTestDatabase(extraEnv);
  try {
    const server = await launchServer(env, { readyPath, readyStatus: (s) => s === 200, cleanup });
    const origin = new URL(server.baseUrl).origin;
    databases.set(origin, databaseUrl);
    const stop = async () => {
      databases.delete(origin);
      return server.stop();
    };
    return { ...server, stop, databaseUrl };
  } catch (error) {
    cleanup();
    throw error;
  }
}
