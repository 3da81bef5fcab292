// npm test — the whole suite: unit, integration (built server over HTTP) and browser tests.
// Builds the portal when needed; says exactly what is missing when Chromium is not installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { ensureBuild } from './lib/ensure-build.ts';

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(
    `Browser tests need Chromium at ${chromium}.\n` +
      '  Install it with: sudo apt-get update && sudo apt-get install -y chromium\n' +
      '  (or point CHROMIUM_PATH at a Chromium binary). Unit and integration tests can run alone: npx vitest run --project unit --project integration',
  );
  process.exit(1);
}
ensureBuild();
mkdirSync('tmp', { recursive: true });
const report = 'tmp/vitest-report.json';
const args = [
  'node_modules/vitest/vitest.mjs',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
];
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });

// One plain closing line that any CI can read.
if (existsSync(report)) {
  const summary = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  console.log(
    `tests: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${summary.numPendingTests + summary.numTodoTests} skipped`,
  );
}
process.exit(result.status ?? 1);
