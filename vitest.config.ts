import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The page sweep (tests/e2e/pages-*.test.ts: four files of 30–35 axe cases, minutes each) is the
 * longest work of the suite. vitest starts files it has no timing for largest first, and these files
 * are five lines long, so on a fresh machine (CI) they would start last and be the run's whole tail.
 */
class SweepFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isSweep = (f: TestSpecification) => /[\\/]tests[\\/]e2e[\\/]pages-[^\\/]+\.test\.ts$/.test(f.moduleId);
    return [...sorted.filter(isSweep), ...sorted.filter((f) => !isSweep(f))];
  }
}

export default defineConfig({
  test: {
    // vitest's default (cores - 1) is one worker on a 2-core machine. Two workers run two files at a
    // time, unit, HTTP and browser files alike: each unit file has its own temporary database, and
    // each HTTP or browser file its own server on its own copy of the demo database
    // (tests/helpers/file-server.ts), so no file sees another's writes.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: SweepFirst },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          // Each worker gets its own temporary database file (see tests/helpers/temp-db.ts).
          testTimeout: 30_000,
          // Seeding the demo data (3,000 seizures through the real writer and search analysis)
          // takes seconds, several times more on a shared, busy machine.
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/helpers/server-setup.ts'],
          // Each file gets its own server and database copy, so files run in parallel.
          setupFiles: ['tests/helpers/file-server.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/helpers/server-setup.ts'],
          setupFiles: ['tests/helpers/file-server.ts'],
          // A safety net, not a speed test: axe takes 2-4 s a page when the machine is shared (load 20 on 2 cores).
          testTimeout: 180_000,
          // expect.poll waits for a condition (a page loaded after a click, a script's answer): 1 s, its
          // default, was too short for a form post at load 15 (the MFA set-up's QR code).
          expect: { poll: { timeout: 15_000 } },
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
