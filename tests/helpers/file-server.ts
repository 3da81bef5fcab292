/**
 * Setup file of the integration and e2e projects: every test file that calls `inject(...)` gets a
 * server of its own, on its own copy of the seeded demo database and file store (a copy of the
 * template made once by the global setup, tests/helpers/server-setup.ts). Files therefore run in
 * parallel and never see each other's writes: a file counts its own audit rows, requests, sessions
 * and TOTP steps. Files that start their own servers (`startServer`) and never call `inject` get none.
 *
 * `inject('baseUrl' | 'databaseUrl' | 'filesDir' | 'demoPassword')` keeps working as before: vitest
 * reads provided values from its worker state, which this file fills in for the file being run
 * (vitest has no public per-file `provide`; the worker state is internal to vitest 5.1.2, pinned in
 * package.json, and checked below so an upgrade that moves it fails loudly here).
 */
import { readFileSync } from 'node:fs';
import { afterAll } from 'vitest';
import { startServer } from './start-server.ts';

interface WorkerState {
  filepath?: string;
  providedContext: Record<string, unknown>;
}
const state = (globalThis as { __vitest_worker__?: WorkerState }).__vitest_worker__;
if (!state?.filepath || typeof state.providedContext !== 'object')
  throw new Error('tests/helpers/file-server.ts: vitest worker state not found (vitest upgraded?): cannot give this file its server');

const PER_FILE = ['baseUrl', 'databaseUrl', 'filesDir'] as const;
if (/\binject\(/.test(readFileSync(state.filepath, 'utf8'))) {
  const server = await startServer();
  Object.assign(state.providedContext, { baseUrl: server.baseUrl, databaseUrl: server.databaseUrl, filesDir: server.filesDir });
  afterAll(async () => {
    await server.stop();
  });
} else {
  // A helper that reads the shared server in a file that never asked for one: say so, not "undefined".
  for (const key of PER_FILE)
    Object.defineProperty(state.providedContext, key, {
      get: () => {
        throw new Error(
          `inject('${key}'): this test file has no server; call inject() in it (tests/helpers/file-server.ts) or pass your own`,
        );
      },
      configurable: true,
    });
}
