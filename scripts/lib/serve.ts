// Serves the built portal (dist/) with our own HTTP server: a process per core unless
// WEB_CONCURRENCY says otherwise. `npm start` and `npm run demo` call this after migrating;
// `node scripts/serve.ts` (the test helper, the benchmarks) serves a database that is ready.
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { config } from '#src/server/config.ts';
import { log } from '#src/server/log.ts';
import { runPrimary, SHUTDOWN_MESSAGE } from '#src/server/http/cluster.ts';
import { createPortalServer, type AstroHandler } from '#src/server/http/server.ts';

const ENTRY = new URL('../../dist/server/entry.mjs', import.meta.url);
const CLIENT_DIR = fileURLToPath(new URL('../../dist/client/', import.meta.url));
const WORKER_SCRIPT = fileURLToPath(new URL('../serve.ts', import.meta.url));

function publicUrl(): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return `http://${host}:${config.port}/`;
}

/** One server process: listens, and stops gracefully on SIGTERM, SIGINT or the primary's word. */
async function serveHere(): Promise<void> {
  const { handler } = (await import(ENTRY.href)) as { handler: AstroHandler };
  const portal = createPortalServer({ handler, clientDir: CLIENT_DIR });
  const stop = () => {
    portal.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.on('message', (message) => {
    if (message === SHUTDOWN_MESSAGE) stop();
  });
  await new Promise<void>((resolve, reject) => {
    portal.server.once('error', reject);
    portal.server.listen(config.port, config.host, resolve);
  });
  if (cluster.isWorker) log.info('server process listening');
  else log.info({ url: publicUrl(), processes: 1 }, `portal listening on ${publicUrl()} (1 process)`);
}

export async function serve(): Promise<void> {
  if (cluster.isWorker || config.webConcurrency === 1) {
    await serveHere();
    return;
  }
  const code = await runPrimary({ workers: config.webConcurrency, exec: WORKER_SCRIPT, url: publicUrl() });
  process.exit(code);
}
