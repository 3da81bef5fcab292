import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ENTRY = 'dist/server/entry.mjs';
const SOURCES = ['src', 'content', 'db', 'astro.config.mjs', 'package.json'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Builds with `astro build` when dist/ is missing or older than the sources. */
export function ensureBuild(): string {
  const built = existsSync(ENTRY) ? statSync(ENTRY).mtimeMs : 0;
  const sources = Math.max(...SOURCES.filter((p) => existsSync(p)).map(newestMtime));
  if (!built || sources > built) {
    console.log('Building the portal (astro build)…');
    // process.execPath is Node 24 here; astro's bin is plain JS.
    execFileSync(process.execPath, ['node_modules/astro/bin/astro.mjs', 'build'], { stdio: 'inherit' });
  }
  return ENTRY;
}
