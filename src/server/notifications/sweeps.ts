/**
 * Work the notification centre does now and then rather than on a timer, so that any number of
 * app processes can run without a scheduler: the requests' due-date sweep and the daily digests.
 * The middleware calls maybeRunSweeps() on signed-in page views; each process runs it at most
 * once a minute, and every sweep is idempotent (dedupe keys, conditional claims).
 */
import { sweepDueNotifications } from '#src/server/requests/notify.ts';
import { sendDigests } from './deliver.ts';

const SWEEP_EVERY_MS = 60_000;
let lastSweep = 0;

export async function runSweeps(now: Date = new Date()): Promise<void> {
  await sweepDueNotifications(now);
  await sendDigests(now);
}

export async function maybeRunSweeps(): Promise<void> {
  if (Date.now() - lastSweep < SWEEP_EVERY_MS) return;
  lastSweep = Date.now();
  try {
    await runSweeps();
  } catch (error) {
    console.error(`notification sweep failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
