// npm run search:reindex [-- --force] — rebuilds the search indexes of the configured engine from
// the database: the FTS5 tables in the same database (seizures, thread posts), then (when MEILISEARCH_URL is set) a fresh
// Meilisearch index per source (seizures, thread posts) that replaces the live one in one swap, so searches never see it empty.
// --force takes over from a Meilisearch rebuild that another process left unfinished.
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { checkConfigOrExit } from './lib/check-config.ts';
import { closeDb } from '#src/server/db.ts';
import { applyMigrations } from '#src/server/migrate.ts';
import { fts5Engine } from '#src/server/search/fts5.ts';
import { meiliConnection } from '#src/server/search/meili-client.ts';
import { RebuildRunningError } from '#src/server/search/outbox.ts';
import { rebuildIndex } from '#src/server/search/remote-index.ts';
import { searchSources } from '#src/server/search/sources.ts';
import { drainAll } from '#src/server/search/sync.ts';
import { fts5ThreadEngine } from '#src/server/search/threads-fts5.ts';

const { values } = parseArgs({ options: { force: { type: 'boolean', default: false } } });
checkConfigOrExit();
await applyMigrations();

function bar(label: string) {
  const b = new cliProgress.SingleBar({ format: `${label.padEnd(22)} [{bar}] {value}/{total}` }, cliProgress.Presets.shades_classic);
  b.start(1, 0);
  return {
    update(done: number, total: number) {
      b.setTotal(Math.max(1, total));
      b.update(done);
    },
    stop: () => b.stop(),
  };
}

try {
  let started = performance.now();
  const fts = bar('fts5 seizures');
  let count = 0;
  await fts5Engine.reindex((done, total) => {
    count = total;
    fts.update(done, total);
  });
  fts.stop();
  console.log(`fts5: ${count} seizures reindexed in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // Thread posts: the embedded index; their Meilisearch index is one of the sources below.
  started = performance.now();
  await fts5ThreadEngine.reindex();
  console.log(`fts5: thread posts reindexed in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const conn = meiliConnection();
  if (conn) {
    for (const source of searchSources()) {
      started = performance.now();
      const progress = bar(`meilisearch ${source.kind}`);
      const r = await rebuildIndex(conn, source, { force: values.force, progress: (done, total) => progress.update(done, total) }).finally(
        () => progress.stop(),
      );
      console.log(
        `meilisearch: ${r.documents} ${source.kind} documents in a new "${source.indexUid}" in ${((performance.now() - started) / 1000).toFixed(1)} s` +
          (r.replay ? `; ${r.replay} change(s) made meanwhile replayed` : ''),
      );
    }
    const sync = await drainAll();
    if (sync.pending) console.warn(`meilisearch: ${sync.pending} change(s) still pending: ${sync.errors[0] ?? ''}`);
  }
} catch (e) {
  console.error(`\nsearch:reindex failed: ${e instanceof RebuildRunningError || e instanceof Error ? e.message : String(e)}`);
  console.error('The live index was left as it was: searches go on with it.');
  process.exitCode = 1;
} finally {
  closeDb();
}
