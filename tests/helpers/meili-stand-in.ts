/**
 * The Meilisearch engine against the local stand-in (fake-meilisearch.ts), for the contract
 * suites: it checks the engine's query building (filters, disjunctive facet requests, sorts,
 * terms) end to end. The stand-in matches exact terms and phrases with the settings the portal
 * asks for (no typos, no prefixes, every term required) but does not rank as Meilisearch does.
 */
import { createMeiliEngine, delegations } from '#src/server/search/meilisearch.ts';
import { MeiliConnection } from '#src/server/search/meili-client.ts';
import type { SearchEngine } from '#src/server/search/types.ts';
import { startFakeMeilisearch, type FakeMeilisearch } from './fake-meilisearch.ts';

/**
 * Builds the index of the current database on a fresh stand-in. The engine returned refuses to
 * hand a search to FTS5: every answer the contract checks comes from the Meilisearch engine.
 */
export async function meiliOnStandIn(indexUid: string): Promise<{ fake: FakeMeilisearch; engine: SearchEngine }> {
  const fake = await startFakeMeilisearch();
  const meili = createMeiliEngine(new MeiliConnection({ host: fake.url, timeoutMs: 5000 }), indexUid);
  await meili.reindex();
  const engine: SearchEngine = {
    ...meili,
    async search(query, reader) {
      const before = delegations.count;
      const result = await meili.search(query, reader);
      if (delegations.count !== before) throw new Error(`handed to FTS5: ${JSON.stringify(query)}`);
      return result;
    },
  };
  return { fake, engine };
}
