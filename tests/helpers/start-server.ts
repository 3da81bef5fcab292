import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEST_PASSWORD = 'test-demo-passphrase-2026';

async function freePort(): Promise<number> {
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
  stop: () => Promise<void>;
}

/**
 * Starts the built server (dist/) on a free port against a fresh database file with the demo
 * data, as `npm run demo` would, but spawning node directly so the pid we kill is the server's.
 */
export async function startServer(extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'armas-server-'));
  const databaseUrl = `file:${join(dir, 'portal.db')}`;
  const port = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    DEMO_PASSWORD: TEST_PASSWORD,
    HOST: '127.0.0.1',
    PORT: String(port),
    // Browser and HTTP tests sign in many times from one address.
    SIGNIN_IP_FAILURE_LIMIT: '1000',
    ...extraEnv,
  };
  // Seeding runs in its own process so this test process keeps no database handle open.
  await new Promise<void>((resolve, reject) => {
    const seed = spawn(process.execPath, ['tests/helpers/seed-test-db.ts'], { env, stdio: 'inherit' });
    seed.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seeding failed with ${code}`))));
  });
  const child: ChildProcess = spawn(process.execPath, ['dist/server/entry.mjs'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    try {
      const res = await fetch(`${baseUrl}/es/`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    if (Date.now() - started > 30_000) throw new Error(`server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    baseUrl,
    databaseUrl,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      if (process.env.KEEP_TEST_SERVER_OUTPUT) console.log(output);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
