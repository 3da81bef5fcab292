/**
 * A process per core: the primary forks `workers` copies of the server script, which share the
 * listening port (node:cluster hands out connections round-robin). SQLite in WAL mode and the
 * database-held sessions and throttles let any process serve any request (STACK-NOTES #18).
 *
 * The primary restarts a worker that dies (a crash, out of memory) and, on SIGTERM or SIGINT,
 * asks every worker to stop gracefully and exits when they have.
 */
import cluster, { type Worker } from 'node:cluster';
import { config } from '../config.ts';
import { log } from '../log.ts';

/** A worker that dies sooner than this after starting counts as a failed start. */
const HEALTHY_AFTER_MS = 10_000;
/** This many failed starts in a row: the code or the machine is broken; restarting would only spin. */
const MAX_FAILED_STARTS = 5;

export const SHUTDOWN_MESSAGE = 'armas-cruzadas:shutdown';

export function runPrimary({ workers, exec, url }: { workers: number; exec: string; url: string }): Promise<number> {
  cluster.setupPrimary({ exec });
  const startedAt = new Map<Worker, number>();
  let listening = 0;
  let announced = false;
  let failedStarts = 0;
  let stopping = false;
  let exitCode = 0;

  const fork = () => startedAt.set(cluster.fork(), Date.now());

  return new Promise((resolve) => {
    const stop = (code: number) => {
      if (stopping) return;
      stopping = true;
      exitCode = code;
      log.info({ workers: startedAt.size }, 'stopping the server processes');
      for (const worker of startedAt.keys()) if (worker.isConnected()) worker.send(SHUTDOWN_MESSAGE);
      // Workers stop themselves within their grace period; this is the backstop for a stuck one.
      setTimeout(() => {
        for (const worker of startedAt.keys()) worker.process.kill('SIGKILL');
      }, config.shutdownTimeoutMs + 5_000).unref();
      if (startedAt.size === 0) resolve(exitCode);
    };

    cluster.on('listening', () => {
      listening++;
      if (!announced && listening >= workers) {
        announced = true;
        log.info({ url, processes: workers }, `portal listening on ${url} (${workers} processes)`);
      }
    });

    cluster.on('exit', (worker, code, signal) => {
      const lifetime = Date.now() - (startedAt.get(worker) ?? 0);
      startedAt.delete(worker);
      if (stopping) {
        if (startedAt.size === 0) resolve(exitCode);
        return;
      }
      // A worker leaves cleanly only when told to stop (its own SIGTERM/SIGINT); it is not replaced.
      if (code === 0 && !signal) {
        if (startedAt.size === 0) resolve(0);
        return;
      }
      failedStarts = lifetime < HEALTHY_AFTER_MS ? failedStarts + 1 : 0;
      if (failedStarts >= MAX_FAILED_STARTS) {
        log.fatal({ failedStarts }, 'server processes keep failing at start; giving up');
        stop(1);
        return;
      }
      log.error({ workerPid: worker.process.pid, code, signal }, 'server process died; starting another');
      fork();
    });

    process.once('SIGTERM', () => stop(0));
    process.once('SIGINT', () => stop(0));
    for (let i = 0; i < workers; i++) fork();
  });
}
