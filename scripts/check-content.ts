/**
 * Checks content/ (or the folder given as the first argument): frontmatter schemas,
 * attachments, internal links, superseded protocols and translation pairs.
 * Usage: npm run check:content [-- <content-dir>]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkContent } from '#src/server/content/check.ts';

const defaultRoot = fileURLToPath(new URL('../content', import.meta.url));
const root = path.resolve(process.argv[2] ?? defaultRoot);
const relative = path.relative(process.cwd(), root);
// Paths outside the working directory read better absolute than as ../../…
const shown = relative.startsWith('..') ? root : relative || '.';

const problems = await checkContent(root);
if (problems.length === 0) {
  console.log(`content ok: ${shown}`);
} else {
  console.error(`${problems.length} content problem${problems.length === 1 ? '' : 's'} in ${shown}:`);
  let lastFile = '';
  for (const p of problems) {
    if (p.file !== lastFile) console.error(`\n  ${path.join(shown, p.file)}`);
    lastFile = p.file;
    console.error(`    - ${p.message}`);
  }
  process.exitCode = 1;
}
