// npm test — the whole suite: unit, integration (built server over HTTP) and browser tests.
// Builds the portal when needed; says exactly what is missing when Chromium is not installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
const args = ['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)];
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(result.status ?? 1);
