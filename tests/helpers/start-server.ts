import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  // As `npm start` runs it (package.json): a small young generation keeps the peak RSS down.
  const child: ChildProcess = spawn(process.execPath, ['--max-semi-space-size=8', 'scripts/serve.ts'], {
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

/** A fresh database file with the demo data (as `npm run demo` makes it; `DEMO_SEIZURES` in `env` says how many seizures). */
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
  // Seeding runs in its own process so this test process keeps no database handle open.
  await new Promise<void>((resolve, reject) => {
    const seed = spawn(process.execPath, ['tests/helpers/seed-test-db.ts'], { env: { ...process.env, ...env }, stdio: 'inherit' });
    seed.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seeding failed with ${code}`))));
  });
  return { databaseUrl, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** seedTestDatabase, served by launchServer; stop() removes the database too. */
export async function startServer(extraEnv: Record<string, string> = {}, readyPath = '/es/'): Promise<RunningServer> {
  const { databaseUrl, env, cleanup } = await seedTestDatabase(extraEnv);
  try {
    const server = await launchServer(env, { readyPath, readyStatus: (s) => s === 200, cleanup });
    return { ...server, databaseUrl };
  } catch (error) {
    cleanup();
    throw error;
  }
}
