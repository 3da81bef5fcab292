/**
 * What the seizure search contract suites (tests/unit/search-contract*.test.ts) share: the small
 * fixture of seizures both start from, and their set-up: a temporary database with the reference
 * data and the suite's files imported, then the contract on FTS5, on the local Meilisearch stand-in
 * and, when MEILISEARCH_URL points at a server, on a live Meilisearch into a throwaway index.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';
import { importCsv, row, seedBasics } from '#tests/fixtures/seizures/helpers.ts';
import type { FakeMeilisearch } from '#tests/helpers/fake-meilisearch.ts';
import { meiliOnStandIn } from '#tests/helpers/meili-stand-in.ts';
import { fts5Engine } from '#src/server/search/fts5.ts';
import { createMeiliEngine } from '#src/server/search/meilisearch.ts';
import { MeiliConnection } from '#src/server/search/meili-client.ts';
import type { SearchEngine } from '#src/server/search/types.ts';

/** Five seizures: two open to members (Michoacán, Tamaulipas), one each for FGR and ATF, over four years. */
export const CONTRACT_ROWS = [
  row({
    reference: 'C-MIC',
    state: 'MX-MIC',
    summary_es: 'Fusiles asegurados en Uruapan, Michoacán',
    serial: 'MICH5551',
    date: '2021-03-04',
  }),
  row({
    reference: 'C-MIC',
    state: 'MX-MIC',
    summary_es: 'Fusiles asegurados en Uruapan, Michoacán',
    serial: 'MICH5552',
    firearm_type: 'pistol',
    manufacturer: 'Glock',
    model: '19',
    calibre: '9mm',
    date: '2021-03-04',
  }),
  row({
    reference: 'C-TAM',
    summary_es: 'Pistola en Reynosa',
    firearm_type: 'pistol',
    manufacturer: 'Glock',
    model: '17',
    calibre: '9mm',
    serial: 'TAMP0001',
    case_file: 'CF-2',
    date: '2022-07-08',
  }),
  row({
    reference: 'C-FGR',
    state: 'MX-GRO',
    summary_es: 'Aseguramiento reservado en Guerrero',
    serial: 'GUER0001',
    visibility: 'agency:FGR',
    case_file: 'CF-3',
    date: '2023-01-02',
  }),
  row({
    reference: 'C-ATF',
    state: 'US-TX',
    agency: 'ATF',
    summary_en: 'Straw purchase case in Laredo',
    summary_es: '',
    serial: 'LARE0001',
    visibility: 'agency:ATF',
    case_file: 'CF-4',
    date: '2020-10-11',
  }),
];

export interface ContractSuites {
  /** CSV files to import, in order, with their file names. */
  files: { csv: string; name?: string }[];
  /** The stand-in's index name and the prefix of the live throwaway index. */
  standInIndex: string;
  liveIndexPrefix: string;
  /** Limit for the set-up hooks (imports and reindexing). */
  hookTimeoutMs: number;
  contract: (name: string, engine: () => SearchEngine) => void;
  /** More tests against the stand-in (they may read the requests it received). */
  onStandIn?: (standIn: () => { engine: SearchEngine; fake: FakeMeilisearch }) => void;
}

export function searchContractSuites(s: ContractSuites): void {
  let cleanup: () => void;
  beforeAll(async () => {
    ({ cleanup } = await useTempDatabase());
    await seedBasics();
    for (const f of s.files) expect((await importCsv(f.csv, f.name)).ok).toBe(true);
  }, s.hookTimeoutMs);
  afterAll(() => cleanup());

  s.contract('fts5', () => fts5Engine);

  // The Meilisearch engine's requests against the local stand-in (see meili-stand-in.ts), which
  // matches exact terms and phrases with the settings the portal asks for. It is not Meilisearch:
  // the contract against a live server runs below when MEILISEARCH_URL is set.
  describe('meilisearch engine against the local stand-in', () => {
    let standIn: { engine: SearchEngine; fake: FakeMeilisearch };
    beforeAll(async () => {
      standIn = await meiliOnStandIn(s.standInIndex);
    }, s.hookTimeoutMs);
    afterAll(() => standIn.fake.stop());
    s.contract('meilisearch (stand-in)', () => standIn.engine);
    s.onStandIn?.(() => standIn);
  });

  // Meilisearch needs a running server: this suite runs only when MEILISEARCH_URL is set.
  const meiliUrl = process.env.MEILISEARCH_URL;
  describe.runIf(!!meiliUrl)('meilisearch engine', () => {
    // Created in beforeAll: the describe body is collected even when the suite is skipped.
    let engine: SearchEngine;
    beforeAll(async () => {
      engine = createMeiliEngine(
        new MeiliConnection({ host: meiliUrl ?? '', apiKey: process.env.MEILISEARCH_KEY, timeoutMs: 5000 }),
        `${s.liveIndexPrefix}_${process.pid}_${Date.now()}`,
      );
      await engine.reindex();
    }, s.hookTimeoutMs);
    s.contract('meilisearch', () => engine);
  });
}
