/**
 * The judged queries of tests/relevance hold their budgets on the embedded engine (recall@10
 * and the zero-result rate per class; npm run bench:relevance prints the full figures).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';
import { seedBasics } from '#tests/fixtures/seizures/helpers.ts';
import { generateSeizures, seedDemoSeizures } from '#db/seed/seizures.ts';
import { fts5Engine } from '#src/server/search/fts5.ts';
import { BUDGET, RELEVANCE_SEIZURES, evaluate } from '#tests/relevance/evaluate.ts';

let cleanup: () => void;
beforeAll(async () => {
  ({ cleanup } = await useTempDatabase());
  await seedBasics();
  await seedDemoSeizures(RELEVANCE_SEIZURES, 1);
}, 120_000);
afterAll(() => cleanup());

it('meets the relevance budgets on every class of judged query', async () => {
  const { outcomes, metrics } = await evaluate(fts5Engine, generateSeizures(RELEVANCE_SEIZURES, 1), { allResults: false });
  expect(outcomes.length).toBeGreaterThanOrEqual(80);
  expect(outcomes.filter((o) => o.total === 0).map((o) => o.q)).toEqual([]);
  for (const m of metrics) expect(m.recall10, m.class).toBeGreaterThanOrEqual(BUDGET.recall10);
}, 120_000);
