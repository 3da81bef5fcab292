// npm run search:sync — pushes every change still waiting in the search outbox to Meilisearch
// (the server's worker does this on its own, with backoff; this is for right now), and ends a
// rebuild whose process died. Exits 1 when changes remain pending (Meilisearch still down).
import { checkConfigOrExit } from './lib/check-config.ts';
import { config } from '#src/server/config.ts';
import { closeDb } from '#src/server/db.ts';
import { applyMigrations } from '#src/server/migrate.ts';
import { describeError } from '#src/server/search/meili-client.ts';
import { outboxStats } from '#src/server/search/outbox.ts';
import { drainAll } from '#src/server/search/sync.ts';

checkConfigOrExit();
await applyMigrations();
try {
  if (!config.meilisearch) {
    console.log('search:sync: MEILISEARCH_URL is not set; the embedded FTS5 index needs no sync.');
  } else {
    const before = await outboxStats();
    console.log(`search:sync: ${before.pending} change(s) pending`);
    const r = await drainAll((pushed, pending) => console.log(`  pushed ${pushed}, pending ${pending}`));
    if (r.pending) {
      console.error(`search:sync: ${r.pending} change(s) still pending: ${r.errors[0] ?? 'not pushed'}`);
      process.exitCode = 1;
    } else console.log(`search:sync: up to date (${r.pushed} pushed)`);
  }
} catch (e) {
  console.error(`search:sync failed: ${describeError(e)}`);
  process.exitCode = 1;
} finally {
  closeDb();
}
