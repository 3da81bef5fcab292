/**
 * Build step (astro.config.mjs runs it after `astro build`): writes a Brotli (.br) and a gzip
 * (.gz) copy beside every text asset of dist/client, at the highest levels, once. The server
 * sends them as they are to clients that accept them, so static files cost no CPU per request.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const COMPRESSIBLE = /\.(css|js|mjs|svg|html|txt|xml|json|map|ico|csv)$/i;
/** Below this a compressed copy saves too little to be worth a file. */
const MIN_BYTES = 1024;

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

/** Returns how many files got compressed copies. */
export async function precompress(dir: string): Promise<number> {
  let count = 0;
  for await (const path of files(dir)) {
    if (!COMPRESSIBLE.test(path)) continue;
    const content = await readFile(path);
    if (content.length < MIN_BYTES) continue;
    const [br, gzipped] = await Promise.all([
      brotli(content, {
        params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: content.length },
      }),
      gz(content, { level: constants.Z_BEST_COMPRESSION }),
    ]);
    // A copy that is not smaller is not written: the server then sends the file itself.
    if (br.length < content.length) await writeFile(`${path}.br`, br);
    if (gzipped.length < content.length) await writeFile(`${path}.gz`, gzipped);
    count++;
  }
  return count;
}
