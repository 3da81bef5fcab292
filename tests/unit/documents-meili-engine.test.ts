/**
 * The Meilisearch document engine end to end against the local stand-in (tests/helpers/fake-
 * meilisearch.ts, which refuses filters on attributes not declared filterable and evaluates the
 * filter expressions the engine writes): the reader's access decides what is found, and a request
 * attachment whose own scope would admit a reader but whose request does not is left out of the
 * hits and of the total (`id NOT IN`, from hiddenAttachmentIds). No Meilisearch server runs here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawClient } from '#src/server/db.ts';
import { seedDemoDocuments } from '#src/server/documents/demo.ts';
import { seededActor } from '#src/server/seed.ts';
import { createMeiliDocumentEngine, hiddenAttachmentIds } from '#src/server/search/documents-meili.ts';
import type { DocumentSearchEngine } from '#src/server/search/documents-types.ts';
import { allRows, col, runRaw } from '#src/server/sql.ts';
import { startFakeMeilisearch, type FakeMeilisearch } from '#tests/helpers/fake-meilisearch.ts';
import { seedForTest } from '#tests/helpers/seed.ts';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';

let cleanup: () => void;
let fake: FakeMeilisearch;
let engine: DocumentSearchEngine;
beforeAll(async () => {
  ({ cleanup } = await useTempDatabase());
  await seedForTest('meili-documents-passphrase', { seizures: 20, requests: true });
  await seedDemoDocuments();
  fake = await startFakeMeilisearch();
  engine = createMeiliDocumentEngine({ host: fake.url, indexName: 'documents-test' });
  await engine.reindex();
}, 120_000);
afterAll(async () => {
  await fake?.stop();
  cleanup();
});

const titlesFound = async (email: string, text: string) => {
  const reader = await seededActor(email);
  const found = await engine.search({ text, tab: 'shared' }, reader);
  const titles = await allRows(
    rawClient(),
    { id: col.int, title: col.text },
    'SELECT id, coalesce(title_es, title_en) AS title FROM documents WHERE id IN (SELECT value FROM json_each(?))',
    [JSON.stringify(found.ids)],
  );
  return { total: found.total, ids: found.ids, titles: titles.map((t) => t.title) };
};

describe('documents on Meilisearch (local stand-in)', () => {
  it('finds a document shared with ATF for ATF, and not for SEDENA', async () => {
    const atf = await titlesFound('agent.atf@demo.test', 'Aseguramientos');
    expect(atf.titles).toContain('Aseguramientos del tercer trimestre 2026');
    expect(atf.total).toBe(atf.ids.length);
    const sedena = await titlesFound('analyst.sedena@demo.test', 'Aseguramientos');
    expect(sedena).toEqual({ total: 0, ids: [], titles: [] });
  });

  it('leaves out a request attachment whose own scope admits the reader but whose request does not, from hits and total', async () => {
    const [doc] = await allRows(
      rawClient(),
      { id: col.int, scope_set_id: col.int },
      `SELECT d.id, d.scope_set_id FROM documents d JOIN document_versions v ON v.document_id = d.id AND v.number = d.current_version
       WHERE d.origin = 'request' AND v.file_name = 'Trace results Reynosa.pdf'`,
    );
    const [members] = await allRows(rawClient(), { id: col.int }, "SELECT id FROM scope_sets WHERE tokens = 'members'");
    expect(doc && members).toBeTruthy();
    const sedena = await seededActor('analyst.sedena@demo.test');
    const before = await engine.search({ text: 'Reynosa', tab: 'shared' }, sedena);
    await runRaw(rawClient(), 'UPDATE documents SET scope_set_id = ? WHERE id = ?', [members!.id, doc!.id]);
    try {
      await engine.index([doc!.id]);
      // The index now says "every member" for it: only the filter by id keeps it out.
      expect(await hiddenAttachmentIds(sedena, new Date())).toContain(doc!.id);
      const after = await engine.search({ text: 'Reynosa', tab: 'shared' }, sedena);
      expect(after.ids).not.toContain(doc!.id);
      expect(after.total).toBe(before.total);
      // The addressed agency still finds it.
      const fgr = await engine.search({ text: 'Reynosa', tab: 'shared' }, await seededActor('analyst.fgr@demo.test'));
      expect(fgr.ids).toContain(doc!.id);
    } finally {
      await runRaw(rawClient(), 'UPDATE documents SET scope_set_id = ? WHERE id = ?', [doc!.scope_set_id, doc!.id]);
      await engine.index([doc!.id]);
    }
  });

  it('sends filters the stand-in accepts for every tab and filter, and the attribute list it declares', async () => {
    const fgr = await seededActor('analyst.fgr@demo.test');
    for (const tab of ['shared', 'agency', 'mine'] as const) {
      const found = await engine.search(
        { text: 'Aseguramientos', tab, type: ['seizure_list'], language: ['es'], dateFrom: '2020-01-01', sort: 'updated_desc' },
        fgr,
      );
      expect(found.total).toBe(found.ids.length);
      if (tab !== 'shared') expect(found.total).toBeGreaterThan(0);
    }
  });
});
