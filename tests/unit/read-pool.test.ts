import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';
import { csv, importCsv, readers, row, seedBasics } from '#tests/fixtures/seizures/helpers.ts';
import { dashboard, exportCsv } from '#src/server/seizures/queries.ts';
import { fts5Search } from '#src/server/search/fts5.ts';
import { rawClient } from '#src/server/db.ts';
import { closeReadPool, readExec, readPoolStats } from '#src/server/read-pool.ts';
import type { SearchQuery } from '#src/server/search/types.ts';

// Searches, exports and the dashboard's figures run their read-only SQL on a worker thread with its
// own connection. The SQL is built (access rule included) on the request thread: the answers must
// be exactly those of the request thread's own connection, for every reader.
let cleanup: () => void;
beforeAll(async () => {
  // Off by default (README): this file turns one worker on (useTempDatabase reloads the settings).
  process.env.READ_WORKERS = '1';
  ({ cleanup } = await useTempDatabase());
  await seedBasics();
  const r = await importCsv(
    csv(
      row({ reference: 'POOL-OPEN', serial: 'POOL1', state: 'MX-TAM' }),
      row({ reference: 'POOL-OPEN-2', serial: 'POOL2', case_file: 'CF-P2', state: 'MX-SON', manufacturer: 'Colt' }),
      row({
        reference: 'POOL-FGR',
        state: 'MX-ZAC',
        visibility: 'agency:FGR',
        manufacturer: 'Sigilo Arms',
        serial: 'POOLF',
        case_file: 'CF-PF',
        summary_es: 'Fusil sigiloso asegurado en Zacatecas',
      }),
    ),
  );
  expect(r.ok).toBe(true);
});
afterAll(async () => {
  await closeReadPool();
  delete process.env.READ_WORKERS;
  cleanup();
});

async function text(chunks: AsyncGenerator<string, void>): Promise<string> {
  let out = '';
  for await (const chunk of chunks) out += chunk;
  return out;
}

describe('read-only SQL on worker threads', () => {
  const queries: SearchQuery[] = [
    { lang: 'es' },
    { lang: 'en', text: 'fusil' },
    { lang: 'es', text: 'sigilo' },
    { lang: 'en', filters: { state: ['MX-ZAC', 'MX-TAM'] } },
    { lang: 'es', text: 'colt', sort: 'date_asc' },
  ];

  it('answers searches exactly as the request thread does, for each reader, and runs them on the worker', async () => {
    for (const reader of [readers.fgr, readers.atf, readers.admin, null]) {
      for (const query of queries) {
        const before = readPoolStats.statements;
        const pooled = await fts5Search(query, reader);
        expect(readPoolStats.statements).toBeGreaterThan(before);
        const direct = await fts5Search(query, reader, rawClient());
        expect(pooled).toEqual(direct);
      }
    }
  });

  it('keeps the access rule: a seizure only FGR may see is found by FGR and by nobody else, not even in counts', async () => {
    const fgr = await fts5Search({ lang: 'es', text: 'sigilo' }, readers.fgr);
    expect(fgr.hits.map((h) => h.reference)).toEqual(['POOL-FGR']);
    for (const reader of [readers.atf, readers.sedena, null]) {
      const other = await fts5Search({ lang: 'es', text: 'sigilo' }, reader);
      expect(other.total).toBe(0);
      expect(other.hits).toHaveLength(0);
      const all = await fts5Search({ lang: 'es' }, reader);
      expect(all.facets.manufacturer.map((m) => m.value)).not.toContain('Sigilo Arms');
      expect(all.facets.state.map((s) => s.value)).not.toContain('MX-ZAC');
    }
  });

  it('exports the same CSV as the request thread, without the seizures the reader may not see', async () => {
    for (const reader of [readers.fgr, readers.atf]) {
      const before = readPoolStats.statements;
      const pooled = await text(exportCsv({}, reader, 'en'));
      expect(readPoolStats.statements).toBeGreaterThan(before);
      expect(pooled).toBe(await text(exportCsv({}, reader, 'en', {}, rawClient())));
    }
    const fgr = await text(exportCsv({}, readers.fgr, 'en'));
    const atf = await text(exportCsv({}, readers.atf, 'en'));
    expect(fgr).toContain('POOL-FGR');
    expect(atf).not.toContain('POOL-FGR');
    expect(atf).toContain('POOL-OPEN-2');
  });

  it('computes the dashboard figures as the request thread does, per reader', async () => {
    for (const reader of [readers.fgr, readers.atf]) {
      const pooled = await dashboard({}, reader);
      expect(pooled).toEqual(await dashboard({}, reader, rawClient()));
    }
    expect((await dashboard({}, readers.fgr)).total.seizures).toBe((await dashboard({}, readers.atf)).total.seizures + 1);
  });

  it('sees a write as soon as it is committed on the request thread', async () => {
    expect((await fts5Search({ lang: 'es', text: 'POOLNEW' }, readers.atf)).total).toBe(0);
    const r = await importCsv(csv(row({ reference: 'POOL-NEW', serial: 'POOLNEW', case_file: 'CF-PN', state: 'MX-CHH' })), 'new.csv');
    expect(r.ok).toBe(true);
    const after = await fts5Search({ lang: 'es', text: 'POOLNEW' }, readers.atf);
    expect(after.hits.map((h) => h.reference)).toEqual(['POOL-NEW']);
  });

  it('passes a bad statement’s error back to its caller, and the worker keeps serving', async () => {
    await expect(readExec().execute('SELECT no_such_column FROM seizures')).rejects.toThrow(/no_such_column/);
    const rs = await readExec().execute({ sql: 'SELECT count(*) AS n, ? AS echo FROM seizures', args: ['x'] });
    expect(rs.rows[0]?.['echo']).toBe('x');
    expect(rs.rows[0]?.[0]).toBeGreaterThan(0);
  });
});
