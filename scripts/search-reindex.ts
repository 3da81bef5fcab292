// npm run search:reindex — rebuilds the search index of the configured engine from the
// database (FTS5 tables in the same database; Meilisearch when MEILISEARCH_URL is set).
import cliProgress from 'cli-progress';
import { closeDb } from '#src/server/db.ts';
import { applyMigrations } from '#src/server/migrate.ts';
import { searchEngine } from '#src/server/search/index.ts';
import { fts5Engine } from '#src/server/search/fts5.ts';

await applyMigrations();
const engines = [fts5Engine, ...(searchEngine().name === 'fts5' ? [] : [searchEngine()])];
for (const engine of engines) {
  const bar = new cliProgress.SingleBar(
    { format: `${engine.name.padEnd(12)} [{bar}] {value}/{total} seizures` },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let count = 0;
  bar.start(1, 0);
  await engine.reindex((done, total) => {
    count = total;
    bar.setTotal(Math.max(1, total));
    bar.update(done);
  });
  bar.stop();
  console.log(`${engine.name}: ${count} seizures reindexed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
closeDb();
