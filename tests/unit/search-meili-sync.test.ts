/**
 * The failure paths of the Meilisearch engine, against a local fault-injecting stand-in
 * (tests/helpers/fake-meilisearch.ts): failed and slow tasks, a server that hangs or is down
 * during an import, a rebuild that fails or dies half-way. A real server cannot be made to do
 * these on demand; its relevance is checked by the contract suite when MEILISEARCH_URL is set.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';
import { csv, importCsv, readers, row, seedBasics } from '#tests/fixtures/seizures/helpers.ts';
import { startFakeMeilisearch, type FakeMeilisearch } from '#tests/helpers/fake-meilisearch.ts';
import { reloadConfig } from '#src/server/config.ts';
import { rawClient } from '#src/server/db.ts';
import { allRows, col } from '#src/server/sql.ts';
import { lastAnsweredBy, resetSearchFallback, search, searchEngine, searchLayerHealth } from '#src/server/search/index.ts';
import { MeiliConnection, MeiliTaskError, MeiliTaskTimeoutError, meiliConnection } from '#src/server/search/meili-client.ts';
import { glossaryPhrases, SEIZURE_DOC_FORMAT, seizureSource } from '#src/server/search/meilisearch.ts';
import { fts5Engine } from '#src/server/search/fts5.ts';
import { beginRebuild, claimDue, endRebuild, indexInfo, markPushed, outboxStats, rebuildState } from '#src/server/search/outbox.ts';
import { rebuildIndex } from '#src/server/search/remote-index.ts';
import { cleanUpDeadRebuilds, drainAll, drainOnce, startSearchSync, stopSearchSync } from '#src/server/search/sync.ts';

let fake: FakeMeilisearch;
let cleanup: () => void;
const saved = { ...process.env };

const LIVE = 'seizures';

const seizure = (n: number, fields: Parameters<typeof row>[0] = {}) =>
  row({
    reference: `M-${n}`,
    case_file: `CF-M-${n}`,
    serial: `MS${String(n).padStart(6, '0')}`,
    date: `2022-01-${String((n % 28) + 1).padStart(2, '0')}`,
    ...fields,
  });

async function waitFor<T>(what: string, probe: () => Promise<T> | T, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function pendingRows(): Promise<number> {
  return (await outboxStats()).pending;
}

beforeAll(async () => {
  fake = await startFakeMeilisearch('test-master-key');
  fake.searchKeys.add('test-search-key');
  process.env.MEILISEARCH_URL = fake.url;
  process.env.MEILISEARCH_KEY = 'test-master-key';
  process.env.MEILISEARCH_SEARCH_KEY = 'test-search-key';
  process.env.MEILISEARCH_TIMEOUT_MS = '300';
  ({ cleanup } = await useTempDatabase());
  await seedBasics();
  // Twelve seizures (FTS5 has them at once; Meilisearch through the outbox).
  const r = await importCsv(csv(...Array.from({ length: 12 }, (_, i) => seizure(i + 1))));
  expect(r.ok).toBe(true);
});

afterAll(async () => {
  await stopSearchSync();
  await fake.stop();
  cleanup();
  process.env = saved;
  reloadConfig();
});

beforeEach(() => {
  fake.failTasks = null;
  fake.holdTasks = false;
  fake.hang = null;
  resetSearchFallback();
});
afterEach(async () => {
  await stopSearchSync();
});

describe('outbox: changes are recorded with the data, pushed after the commit', () => {
  it('records the imported seizures in the same transaction, and refuses to create the index by pushing', async () => {
    expect(await pendingRows()).toBe(12);
    // No index yet: the push fails clearly, nothing is created implicitly, and FTS5 answers.
    const r = await drainOnce();
    expect(r.failed).toBe(12);
    expect(r.errors[0]).toMatch(/index "seizures" does not exist yet: build it with npm run search:reindex/);
    expect(fake.indexes.has(LIVE)).toBe(false);
    const stats = await outboxStats();
    expect(stats.failing).toBe(12);
    expect(stats.lastError).toMatch(/search:reindex/);
    const res = await search({ text: 'MS000003' }, readers.fgr);
    expect(res.hits.map((h) => h.reference)).toEqual(['M-3']);
    expect(lastAnsweredBy()).toEqual({ engine: 'fts5', reason: 'catching-up' });
  });

  it('builds the index without ever leaving a live index empty, then answers from Meilisearch', async () => {
    const conn = meiliConnection();
    if (!conn) throw new Error('no connection');
    const r = await rebuildIndex(conn, seizureSource(LIVE), { batchSize: 5 });
    expect(r.documents).toBe(12);
    // The outbox rows written before (and during) the rebuild are replayed, then drained.
    await drainAll();
    expect(await pendingRows()).toBe(0);
    expect(fake.docs(LIVE)).toHaveLength(12);
    expect([...fake.indexes.keys()]).toEqual([LIVE]);
    const res = await search({ text: 'MS000003' }, readers.fgr);
    expect(lastAnsweredBy()).toEqual({ engine: 'meilisearch' });
    expect(res.hits.map((h) => h.reference)).toEqual(['M-3']);
    expect(res.total).toBe(1);
  });

  it('answers glossary synonyms and OR itself, with the glossary phrases its documents were built with', async () => {
    // The rebuild recorded what its documents hold; pushed documents hold the same.
    expect((await indexInfo('seizure')).live).toEqual({ format: SEIZURE_DOC_FORMAT, phrases: glossaryPhrases() });
    const imported = await importCsv(
      csv(seizure(50, { obliterated_serial: 'yes', serial: '', summary_es: 'Pistola con la serie limada' })),
    );
    expect(imported.ok).toBe(true);
    await drainAll();
    expect(fake.docs(LIVE).find((d) => d.reference === 'M-50')?.stemPhrases).toContain('numer de seri borr');
    for (const text of ['filed off', 'número de serie limado', 'obliterated OR MS000003']) {
      const res = await search({ text }, readers.fgr);
      expect(lastAnsweredBy(), text).toEqual({ engine: 'meilisearch' });
      const fts5 = await fts5Engine.search({ text }, readers.fgr);
      expect(res.hits.map((h) => h.reference).sort(), text).toEqual(fts5.hits.map((h) => h.reference).sort());
      expect(
        res.hits.map((h) => h.reference),
        text,
      ).toContain('M-50');
    }
  });

  it('never applies settings or creates indexes on the search path', async () => {
    const before = fake.requests.length;
    for (let i = 0; i < 3; i++) await search({ text: 'reynosa', filters: { state: ['MX-TAM'] } }, readers.atf);
    const calls = fake.requests.slice(before);
    // A chosen facet: one multi-search (the hits, and the chosen facet's own counts).
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(Array(3).fill(`POST /multi-search`));
    // Searches carry the search-only key; the write key stays with the sync and the rebuild.
    expect(new Set(calls.map((c) => c.key))).toEqual(new Set(['test-search-key']));
    expect(
      fake.requests.filter((c) => c.method !== 'GET' && !/\/(multi-)?search$/.test(c.path)).every((c) => c.key === 'test-master-key'),
    ).toBe(true);
  });

  it('loses nothing when Meilisearch is down during an import, and drains when it is back', async () => {
    await fake.down();
    const r = await importCsv(csv(seizure(100, { summary_es: 'Aseguramiento durante la caída en Nuevo Laredo' })));
    expect(r.ok).toBe(true); // committed, whatever the engine's state
    expect(await pendingRows()).toBe(1);
    const failed = await drainOnce({ ignoreBackoff: true });
    expect(failed.failed).toBe(1);
    expect(failed.errors[0]).toMatch(/Meilisearch did not answer/);
    // Meanwhile searches are answered by FTS5, which has the new seizure.
    const res = await search({ text: 'caída' }, readers.fgr);
    expect(res.hits.map((h) => h.reference)).toEqual(['M-100']);
    expect(lastAnsweredBy().engine).toBe('fts5');
    const health = await searchLayerHealth();
    expect(health.status).toBe('degraded');
    expect(health.problems.join(' ')).toMatch(/did not answer/);
    // Back up: the worker pushes the backlog by itself.
    await fake.up();
    startSearchSync({ idleMs: 20 });
    await waitFor('the backlog to drain', async () => (await pendingRows()) === 0, 30_000);
    expect(fake.docs(LIVE).map((d) => d.reference)).toContain('M-100');
    const after = await search({ text: 'caída' }, readers.fgr);
    expect(lastAnsweredBy()).toEqual({ engine: 'meilisearch' });
    expect(after.hits.map((h) => h.reference)).toEqual(['M-100']);
    expect((await searchLayerHealth()).status).toBe('ok');
  });

  it('raises a failed task with what Meilisearch said, and retries the rows later', async () => {
    fake.failTasks = (t) =>
      t.type === 'documentAdditionOrUpdate' ? { code: 'invalid_document_fields', message: 'The `dateNum` field is not a number' } : null;
    await importCsv(csv(seizure(101)));
    const r = await drainOnce({ ignoreBackoff: true });
    expect(r.failed).toBe(1);
    expect(r.errors[0]).toMatch(
      /Meilisearch could not update 1 seizure documents in "seizures": task \d+ \(documentAdditionOrUpdate on seizures\) failed: The `dateNum` field is not a number \[invalid_document_fields\]/,
    );
    const [pending] = await allRows(
      rawClient(),
      { attempts: col.int, next_attempt_at: col.int, last_error: col.text },
      `SELECT attempts, next_attempt_at, last_error FROM search_outbox WHERE kind = 'seizure'`,
    );
    expect(pending?.attempts).toBe(1);
    expect(pending?.next_attempt_at).toBeGreaterThan(Date.now());
    // Not due yet: the worker's next round leaves it alone; search:sync does not wait.
    expect((await drainOnce()).claimed).toBe(0);
    fake.failTasks = null;
    expect((await drainAll()).pending).toBe(0);
    expect(fake.docs(LIVE).map((d) => d.reference)).toContain('M-101');
  });

  it('gives up waiting for a task after its budget, naming the task', async () => {
    const conn = meiliConnection();
    if (!conn) throw new Error('no connection');
    fake.holdTasks = true;
    const error = await conn
      .run('apply settings', () => conn.admin.index(LIVE).updateSettings({ stopWords: [] }), 200)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeiliTaskTimeoutError);
    expect(String(error)).toMatch(/did not finish "apply settings" in 0 s: task \d+ is still enqueued/);
    fake.holdTasks = false;
    fake.process();
  });

  it('answers from FTS5 when Meilisearch hangs past MEILISEARCH_TIMEOUT_MS, then skips it for a while', async () => {
    fake.hang = /\/search$/;
    const started = Date.now();
    const res = await search({ text: 'MS000004' }, readers.fgr);
    expect(res.hits.map((h) => h.reference)).toEqual(['M-4']);
    expect(lastAnsweredBy()).toEqual({ engine: 'fts5', reason: 'unavailable' });
    expect(Date.now() - started).toBeLessThan(5000);
    // The breaker: the next search does not wait for Meilisearch at all.
    const searchesBefore = fake.requests.filter((r) => r.path.endsWith('/search')).length;
    await search({ text: 'MS000004' }, readers.fgr);
    expect(fake.requests.filter((r) => r.path.endsWith('/search')).length).toBe(searchesBefore);
    expect((await searchLayerHealth()).problems.join(' ')).toMatch(/A search failed .* timed out after 300ms/);
  });

  it('keeps a newer change when an older push of the same seizure finishes late', async () => {
    await importCsv(csv(seizure(102)));
    const [claimed] = await claimDue({ limit: 10 });
    if (!claimed) throw new Error('nothing claimed');
    // The seizure changes again while that push is in flight.
    await importCsv(csv(seizure(102, { summary_es: 'Cambió mientras se enviaba' })));
    await markPushed([claimed]);
    expect(await pendingRows()).toBe(1);
    await drainAll();
    expect(fake.docs(LIVE).find((d) => d.reference === 'M-102')?.summary).toContain('Cambió mientras se enviaba');
  });

  it('waits for rows a running server is pushing instead of reporting them pending (search:reindex, search:sync)', async () => {
    await importCsv(csv(seizure(103)));
    // A server's outbox worker has claimed the row and its push is in flight.
    const held = await claimDue({ limit: 10 });
    expect(held.map((r) => r.entityId)).toHaveLength(1);
    // Not waiting, the row is reported pending though it is being pushed (what the reindex used to print).
    expect((await drainAll(undefined, { waitForOthersMs: 0 })).pending).toBe(1);
    // The server's push finishes once drainAll has seen the row held: drainAll waits for it and says nothing is pending.
    const serverPush: Promise<void>[] = [];
    const result = await drainAll((_pushed, pending) => {
      if (pending > 0 && !serverPush.length) serverPush.push(markPushed(held));
    });
    await Promise.all(serverPush);
    expect(serverPush).toHaveLength(1);
    expect(result.pending).toBe(0);
    expect(await pendingRows()).toBe(0);
  });
});

describe('zero-downtime rebuild', () => {
  it('replays changes made during the rebuild into the new index after the swap', async () => {
    const conn = meiliConnection();
    if (!conn) throw new Error('no connection');
    expect((await drainAll()).pending).toBe(0);
    let changed = false;
    const minLive: number[] = [];
    fake.failTasks = () => {
      minLive.push(fake.docs(LIVE).length);
      return null;
    };
    await rebuildIndex(conn, seizureSource(LIVE), {
      batchSize: 4,
      progress: (done) => {
        if (done === 4 && !changed) {
          changed = true;
          // M-1 is in the first batch, already copied: it changes now, and the worker pushes it to the live index.
          void importCsv(csv(seizure(1, { summary_es: 'Actualizado durante la reconstrucción' }))).then(() => drainOnce());
        }
      },
    });
    expect(changed).toBe(true);
    await waitFor('the change to be committed', async () => (await search({ text: 'reconstrucción' }, readers.fgr)).total === 1);
    await drainAll();
    expect(fake.docs(LIVE).find((d) => d.reference === 'M-1')?.summary).toContain('Actualizado durante la reconstrucción');
    expect(Math.min(...minLive)).toBeGreaterThan(0); // the live index was never empty
    expect([...fake.indexes.keys()]).toEqual([LIVE]);
    expect(await rebuildState('seizure')).toBeNull();
  });

  it('leaves the live index as it was when a batch fails, and removes the half-built one', async () => {
    const conn = meiliConnection();
    if (!conn) throw new Error('no connection');
    const before = fake.docs(LIVE).length;
    const info = (await indexInfo('seizure')).live;
    let batches = 0;
    fake.failTasks = (t) =>
      t.type === 'documentAdditionOrUpdate' && t.indexUid?.includes('_build_') && ++batches === 2
        ? { code: 'internal', message: 'disk full' }
        : null;
    const error = await rebuildIndex(conn, seizureSource(LIVE), { batchSize: 4 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeiliTaskError);
    expect(String(error)).toMatch(/could not add 4 seizure documents to "seizures_build_\d+".*disk full \[internal\]/);
    expect(fake.docs(LIVE)).toHaveLength(before);
    expect([...fake.indexes.keys()]).toEqual([LIVE]);
    expect(await rebuildState('seizure')).toBeNull();
    // What the live index was built with is still what it was.
    expect((await indexInfo('seizure')).live).toEqual(info);
  });

  it('cleans up after a rebuild whose process died, and refuses to run beside a live one', async () => {
    const conn = meiliConnection();
    if (!conn) throw new Error('no connection');
    // A rebuild that created its index and died: its marker's heartbeat is old.
    await conn.run('create', () => conn.admin.createIndex('seizures_build_1', { primaryKey: 'id' }));
    await beginRebuild('seizure', 'seizures_build_1', 12, { now: Date.now() - 3_600_000 });
    expect((await rebuildState('seizure'))?.stale).toBe(true);
    // A fresh marker (another rebuild running) is respected.
    await beginRebuild('seizure', 'seizures_build_2', 12, { force: true });
    await expect(rebuildIndex(conn, seizureSource(LIVE))).rejects.toThrow(/already running .* pass --force/);
    await endRebuild('seizure');
    await beginRebuild('seizure', 'seizures_build_1', 12, { now: Date.now() - 3_600_000 });
    expect(await cleanUpDeadRebuilds()).toEqual(['seizures_build_1']);
    expect([...fake.indexes.keys()]).toEqual([LIVE]);
    // And a rebuild after a crash takes over on its own.
    await beginRebuild('seizure', 'seizures_build_3', 12, { now: Date.now() - 3_600_000 });
    await rebuildIndex(conn, seizureSource(LIVE));
    expect([...fake.indexes.keys()]).toEqual([LIVE]);
  });

  it('marks the rebuild dead when Meilisearch goes down mid-way, so the next run cleans up', async () => {
    const conn = new MeiliConnection({ host: fake.url, apiKey: 'test-master-key', timeoutMs: 300 });
    let batches = 0;
    fake.failTasks = (t) => {
      if (t.type === 'documentAdditionOrUpdate' && t.indexUid?.includes('_build_') && ++batches === 2) void fake.down();
      return null;
    };
    await expect(rebuildIndex(conn, seizureSource(LIVE), { batchSize: 4 })).rejects.toThrow(/did not answer|failed/);
    fake.failTasks = null;
    expect((await rebuildState('seizure'))?.stale).toBe(true);
    await fake.up();
    await cleanUpDeadRebuilds();
    expect([...fake.indexes.keys()]).toEqual([LIVE]);
    expect(fake.docs(LIVE).length).toBeGreaterThan(0);
  });
});

describe('the engine in use', () => {
  it('is Meilisearch when configured, FTS5 otherwise', () => {
    expect(searchEngine().name).toBe('meilisearch');
  });
});
