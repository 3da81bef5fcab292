/**
 * npm run bench:relevance — the judged queries of tests/relevance over the demo data (3,000
 * seizures, seed 1) in a temporary database: recall@10, nDCG@10 and the zero-result rate per
 * query class, for FTS5, and for Meilisearch too when MEILISEARCH_URL is set (a throwaway
 * index). Exits 1 when a budget is missed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'armas-relevance-'));
process.env.DATABASE_URL = `file:${join(dir, 'relevance.db')}`;
const meiliUrl = process.env.MEILISEARCH_URL;
delete process.env.MEILISEARCH_URL;

const { applyMigrations } = await import('#src/server/migrate.ts');
const { seedAgencies } = await import('#src/server/seed.ts');
const { closeDb } = await import('#src/server/db.ts');
const { generateSeizures, seedDemoSeizures } = await import('#db/seed/seizures.ts');
const { fts5Engine } = await import('#src/server/search/fts5.ts');
const { createMeiliEngine } = await import('#src/server/search/meilisearch.ts');
const { MeiliConnection } = await import('#src/server/search/meili-client.ts');
const { evaluate, BUDGET, RELEVANCE_SEIZURES } = await import('./evaluate.ts');
type SearchEngine = import('#src/server/search/types.ts').SearchEngine;

await applyMigrations();
await seedAgencies();
await seedDemoSeizures(RELEVANCE_SEIZURES, 1);
const list = generateSeizures(RELEVANCE_SEIZURES, 1);

const engines: SearchEngine[] = [fts5Engine];
if (meiliUrl) {
  const meili = createMeiliEngine(
    new MeiliConnection({ host: meiliUrl, apiKey: process.env.MEILISEARCH_KEY, timeoutMs: 5000 }),
    `seizures_relevance_${process.pid}`,
  );
  await meili.reindex();
  engines.push(meili);
}

let ok = true;
for (const engine of engines) {
  const { outcomes, metrics } = await evaluate(engine, list);
  console.log(`\n${engine.name}: ${outcomes.length} judged queries over ${RELEVANCE_SEIZURES.toLocaleString('en-US')} demo seizures`);
  console.table(
    metrics.map((m) => ({
      class: m.class,
      queries: m.queries,
      'recall@10': +m.recall10.toFixed(3),
      'nDCG@10': +m.ndcg10.toFixed(3),
      'zero-result rate': +m.zeroResultRate.toFixed(3),
      'recall (all results)': +m.recallAll.toFixed(3),
      'precision (all results)': +m.precisionAll.toFixed(3),
    })),
  );
  const weak = outcomes.filter((o) => o.recall10 < 1 || o.total === 0 || o.recallAll < 0.95 || o.precisionAll < 0.8);
  if (weak.length) {
    console.log('Weaker queries (recall@10 < 1, recall over all results < 0.95 or precision < 0.8):');
    for (const o of weak)
      console.log(
        `  [${o.class}] ${o.q}: recall@10 ${o.recall10.toFixed(2)}, ${o.total} results, ${o.relevant} relevant, recall ${o.recallAll.toFixed(2)}, precision ${o.precisionAll.toFixed(2)}`,
      );
  }
  const all = metrics.find((m) => m.class === 'all');
  const pass = !!all && all.recall10 >= BUDGET.recall10 && all.zeroResultRate <= BUDGET.zeroResultRate;
  console.log(
    `${engine.name}: recall@10 ${all?.recall10.toFixed(3)} (budget >= ${BUDGET.recall10}), zero-result rate ${all?.zeroResultRate.toFixed(3)} (budget ${BUDGET.zeroResultRate}) ${pass ? 'OK' : 'OVER BUDGET'}`,
  );
  ok &&= pass;
}
closeDb();
rmSync(dir, { recursive: true, force: true });
process.exitCode = ok ? 0 : 1;
