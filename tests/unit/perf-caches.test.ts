import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';
import { csv, importCsv, readers, row, seedBasics } from '#tests/fixtures/seizures/helpers.ts';
import { EXPORT_CHUNK, dashboard, exportCacheStats, exportCsv } from '#src/server/seizures/queries.ts';
import { search } from '#src/server/search/index.ts';
import { columnStats } from '#src/server/search/fts5-columns.ts';
import { matchCacheStats } from '#src/server/search/fts5-match-cache.ts';
import { dataVersion } from '#src/server/data-version.ts';
import { isReadOnlySql, rawClient } from '#src/server/db.ts';
import { LruCache, SizedLruCache } from '#src/server/cache.ts';
import { barChart } from '#src/server/charts.ts';
import { formatDate, formatNumber } from '#src/i18n/index.ts';
import { unavailablePage, withTimeLimit } from '#src/lib/time-limit.ts';
import { requestLang } from '#src/server/http/busy-page.ts';

let cleanup: () => void;
beforeAll(async () => {
  ({ cleanup } = await useTempDatabase());
  await seedBasics();
  const r = await importCsv(
    csv(
      row({ reference: 'OPEN-1', serial: 'OPEN1' }),
      row({
        reference: 'FGR-ONLY',
        state: 'MX-ZAC',
        visibility: 'agency:FGR',
        manufacturer: 'Sigilo Arms',
        serial: 'FGR1',
        case_file: 'CF-F',
      }),
    ),
  );
  expect(r.ok).toBe(true);
});
afterAll(() => cleanup());

describe('dashboard cache', () => {
  it('serves each visibility its own figures, also when the other was computed first', async () => {
    const fgr = await dashboard({}, readers.fgr);
    const atf = await dashboard({}, readers.atf);
    expect(fgr.total.seizures).toBe(2);
    expect(atf.total.seizures).toBe(1);
    expect(atf.topManufacturers.map((m) => m.manufacturer)).not.toContain('Sigilo Arms');
    // A colleague of the same agency shares the figures; a second ATF reader still sees one.
    expect((await dashboard({}, readers.editor)).total.seizures).toBe(2);
    expect((await dashboard({}, readers.atf)).total.seizures).toBe(1);
  });

  it('shows an import at once: the import raises the seizure data version in its transaction', async () => {
    const before = await dataVersion('seizures');
    expect((await dashboard({}, readers.atf)).total.seizures).toBe(1);
    const r = await importCsv(csv(row({ reference: 'OPEN-2', serial: 'OPEN2', case_file: 'CF-2', state: 'MX-SON' })), 'second.csv');
    expect(r.ok).toBe(true);
    expect(await dataVersion('seizures')).toBeGreaterThan(before);
    const after = await dashboard({}, readers.atf);
    expect(after.total.seizures).toBe(2);
    expect(after.perState.map((s) => s.state)).toContain('MX-SON');
  });

  it('keeps filters apart: a filtered dashboard is not the unfiltered one', async () => {
    const all = await dashboard({}, readers.fgr);
    const zac = await dashboard({ filters: { state: ['MX-ZAC'] } }, readers.fgr);
    expect(zac.total.seizures).toBe(1);
    expect(all.total.seizures).toBe(3);
  });

  it('filters by a value imported after the facet dictionary was first read', async () => {
    expect((await search({ filters: { manufacturer: ['Nuevo Fabricante'] } }, readers.fgr)).total).toBe(0);
    const r = await importCsv(
      csv(row({ reference: 'NEW-MAKER', serial: 'NM1', case_file: 'CF-N', manufacturer: 'Nuevo Fabricante' })),
      'third.csv',
    );
    expect(r.ok).toBe(true);
    const found = await search({ filters: { manufacturer: ['Nuevo Fabricante'] } }, readers.fgr);
    expect(found.hits.map((h) => h.reference)).toEqual(['NEW-MAKER']);
  });
});

describe('write gate', () => {
  it('lets a write wait for a transaction of the same process instead of failing with SQLITE_BUSY', async () => {
    const client = rawClient();
    await client.execute('CREATE TABLE gate_probe (n INTEGER)');
    const tx = await client.transaction('write');
    await tx.execute('INSERT INTO gate_probe VALUES (1)');
    const order: string[] = [];
    // Without the gate this write meets the transaction's lock synchronously and fails after busy_timeout.
    const outside = client.execute('INSERT INTO gate_probe VALUES (2)').then(() => order.push('outside write'));
    // Reads are not held back by the open transaction (WAL).
    const read = await client.execute('SELECT count(*) AS n FROM gate_probe');
    expect(Number(read.rows[0]?.n)).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    order.push('commit');
    await tx.commit();
    tx.close();
    await outside;
    expect(order).toEqual(['commit', 'outside write']);
    const rows = await client.execute('SELECT n FROM gate_probe ORDER BY n');
    expect(rows.rows.map((r) => Number(r.n))).toEqual([1, 2]);
  });

  it('tells reads from writes', () => {
    expect(isReadOnlySql('SELECT 1')).toBe(true);
    expect(isReadOnlySql('  select * from x')).toBe(true);
    expect(isReadOnlySql('WITH t AS (SELECT 1) SELECT * FROM t')).toBe(true);
    expect(isReadOnlySql('WITH t AS (SELECT 1) INSERT INTO x SELECT * FROM t')).toBe(false);
    expect(isReadOnlySql('INSERT INTO x VALUES (1)')).toBe(false);
    expect(isReadOnlySql('UPDATE x SET a = 1')).toBe(false);
    expect(isReadOnlySql('PRAGMA journal_mode = WAL')).toBe(false);
  });
});

describe('bounded caches', () => {
  it('drops the least recently used entry beyond its size', () => {
    const cache = new LruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('holds no more bytes than its bound, dropping the least recently used, and never keeps a value larger than the bound', () => {
    const cache = new SizedLruCache<string>(10, (v) => v.length);
    cache.set('a', 'aaaa');
    cache.set('b', 'bbbb');
    expect(cache.get('a')).toBe('aaaa');
    cache.set('c', 'cccc');
    expect(cache.heldBytes).toBe(8);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c')]).toEqual(['aaaa', 'cccc']);
    cache.set('huge', 'x'.repeat(11));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.size).toBe(2);
    cache.set('a', 'a');
    expect(cache.heldBytes).toBe(5);
  });

  it('computes a value once for callers that ask at the same time, and forgets a failure', async () => {
    const cache = new LruCache<Promise<number>>(10);
    let calls = 0;
    const load = () => Promise.resolve(++calls);
    const [x, y] = await Promise.all([cache.getOrLoad('k', load), cache.getOrLoad('k', load)]);
    expect([x, y, calls]).toEqual([1, 1, 1]);
    await expect(cache.getOrLoad('bad', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await cache.getOrLoad('bad', load)).toBe(2);
  });

  it('gives the same chart markup for the same figures and another for other figures', () => {
    const a = barChart([{ label: 'Colt', value: 3 }], 'Fabricantes', 'es-MX');
    expect(barChart([{ label: 'Colt', value: 3 }], 'Fabricantes', 'es-MX')).toBe(a);
    const b = barChart([{ label: 'Colt', value: 1234 }], 'Fabricantes', 'es-MX');
    expect(b).not.toBe(a);
    expect(b).toContain('1,234');
  });

  it('formats with shared formatters exactly as before', () => {
    expect(formatNumber(1234.5, 'es')).toBe('1,234.5');
    expect(formatNumber(0.42, 'en', { style: 'percent' })).toBe('42%');
    expect(formatDate(new Date('2024-03-05T12:00:00Z'), 'es')).toBe('5 de marzo de 2024');
    expect(formatDate(new Date('2024-03-05T12:00:00Z'), 'en')).toBe('March 5, 2024');
  });
});

describe('request time limit', () => {
  it('answers with the 503 page when the work is not done within the limit, and with the work when it is', async () => {
    const never = () => new Promise<Response>(() => {});
    const cut = await withTimeLimit(never, 5, () => unavailablePage('es', '/es/requests?status=sent'));
    expect(cut.status).toBe(503);
    expect(cut.headers.get('retry-after')).toBe('5');
    expect(await cut.text()).toContain('<a href="/es/requests?status=sent">Intentar de nuevo</a>');
    const done = await withTimeLimit(
      () => Promise.resolve(new Response('ok')),
      60_000,
      () => unavailablePage('en', '/en/'),
    );
    expect(await done.text()).toBe('ok');
  });

  it('counts from the arrival of the request: one that waited out its limit before its turn is answered at once, its work never started', async () => {
    let started = 0;
    const work = () => {
      started++;
      return Promise.resolve(new Response('page'));
    };
    // Arrived 10 s ago with a 10 s limit: the time spent waiting behind others used it up.
    const arrivedAt = performance.now() - 10_000;
    const late = await withTimeLimit(work, 10_000, () => unavailablePage('en', '/en/requests'), arrivedAt);
    expect(late.status).toBe(503);
    expect(await late.text()).toContain('<h1>The portal is very busy</h1>');
    expect(started).toBe(0);
    // Arrived 9 s ago with the same limit: 1 s left, enough for this page.
    const inTime = await withTimeLimit(work, 10_000, () => unavailablePage('en', '/en/requests'), performance.now() - 9_000);
    expect(await inTime.text()).toBe('page');
    expect(started).toBe(1);
  });

  it('names the language of a request before any page has run: path prefix, then the language cookie, then Accept-Language', () => {
    expect(requestLang('/en/seizures?q=x', 'ac_lang=es', 'es-MX')).toBe('en');
    expect(requestLang('/_actions/x', 'theme=1; ac_lang=en', 'es-MX')).toBe('en');
    expect(requestLang('/healthz', undefined, 'en-US,en;q=0.9')).toBe('en');
    expect(requestLang('/', undefined, undefined)).toBe('es');
  });

  it('never offers a retry link that leaves the site', async () => {
    for (const path of ['//evil.example/es/', '/\\evil.example/es/', 'https://evil.example/']) {
      const html = await unavailablePage('en', path).text();
      expect(html).not.toContain('evil.example');
      expect(html).toContain('<a href="/en/">Try again</a>');
    }
  });
});

describe('search columns in memory', () => {
  it('are built once per data version and afresh after an import, and count only what each reader may see', async () => {
    await search({ lang: 'es' }, readers.fgr);
    const built = () => columnStats.built;
    const start = built();
    const fgr = await search({ lang: 'es' }, readers.fgr);
    // Other readers, languages, sorts and texts: the same columns.
    const colleague = await search({ lang: 'en', sort: 'date_asc' }, readers.editor);
    const atf = await search({ lang: 'es' }, readers.atf);
    await search({ lang: 'es', text: 'sigilo', filters: { state: ['MX-ZAC'] } }, readers.atf);
    expect(built()).toBe(start);
    expect(colleague.total).toBe(fgr.total);
    expect(colleague.facets.manufacturer).toEqual(fgr.facets.manufacturer);
    expect(fgr.facets.manufacturer.map((m) => m.value)).toContain('Sigilo Arms');

    // ATF sees fewer seizures: without the seizure it may not see, in the total and every facet.
    expect(atf.total).toBe(fgr.total - 1);
    expect(atf.facets.manufacturer.map((m) => m.value)).not.toContain('Sigilo Arms');
    expect(atf.facets.state.map((s) => s.value)).not.toContain('MX-ZAC');

    // An import raises the data version in its transaction: the next search builds the columns again.
    const r = await importCsv(csv(row({ reference: 'TALLY-NEW', serial: 'TN1', case_file: 'CF-T', state: 'MX-CHH' })), 'tally.csv');
    expect(r.ok).toBe(true);
    const after = await search({ lang: 'es' }, readers.atf);
    expect(built()).toBe(start + 1);
    expect(after.total).toBe(atf.total + 1);
    expect(after.facets.state.find((s) => s.value === 'MX-CHH')?.count).toBe(1);
  });

  it('keeps filtered and text searches apart from the unfiltered one', async () => {
    const all = await search({ lang: 'es' }, readers.fgr);
    const zac = await search({ lang: 'es', filters: { state: ['MX-ZAC'] } }, readers.fgr);
    const sigilo = await search({ lang: 'es', text: 'sigilo' }, readers.fgr);
    expect(zac.total).toBe(1);
    expect(sigilo.total).toBe(1);
    expect(all.total).toBeGreaterThan(2);
    // Within the chosen facet the other states keep their counts.
    expect(zac.facets.state.find((s) => s.value === 'MX-TAM')?.count).toBeGreaterThan(0);
  });
});

describe('FTS5 matches cached per text and data version', () => {
  it('serve every reader with its own visibility, and an import is seen by the next search', async () => {
    const fgr = await search({ lang: 'es', text: 'sigilo' }, readers.fgr);
    const hits = matchCacheStats.hits;
    // The same text for another reader: FTS5 is not asked again, and what ATF may not see stays out.
    const atf = await search({ lang: 'en', text: 'sigilo' }, readers.atf);
    expect(matchCacheStats.hits).toBeGreaterThan(hits);
    expect(fgr.total).toBe(1);
    expect(atf.total).toBe(0);
    expect(atf.facets.manufacturer).toEqual([]);

    const r = await importCsv(
      csv(row({ reference: 'SIGILO-2', serial: 'SG2', case_file: 'CF-SG2', state: 'MX-CHH', manufacturer: 'Sigilo Arms' })),
      'sigilo.csv',
    );
    expect(r.ok).toBe(true);
    const misses = matchCacheStats.misses;
    const after = await search({ lang: 'en', text: 'sigilo' }, readers.atf);
    expect(matchCacheStats.misses).toBeGreaterThan(misses);
    expect(after.total).toBe(1);
    expect(after.hits.map((h) => h.reference)).toEqual(['SIGILO-2']);
    expect((await search({ lang: 'es', text: 'sigilo' }, readers.fgr)).total).toBe(2);
  });
});

describe('CSV export', () => {
  it('lets other work run between chunks and writes every row once', async () => {
    const rows = Array.from({ length: EXPORT_CHUNK + 5 }, (_, i) =>
      row({ reference: `BULK-${i}`, serial: `BULK${i}`, case_file: `CF-B${i}`, state: 'MX-DUR' }),
    );
    expect((await importCsv(csv(...rows), 'bulk.csv')).ok).toBe(true);
    const chunks = exportCsv({ filters: { state: ['MX-DUR'] } }, readers.fgr, 'en');
    const header = await chunks.next();
    expect(header.value).toContain('reference');
    const first = (await chunks.next()).value ?? '';
    expect(first.trim().split('\n')).toHaveLength(EXPORT_CHUNK);
    // A timer queued now runs before the next chunk is read: the export yields the event loop.
    let otherWorkRan = false;
    setImmediate(() => (otherWorkRan = true));
    const second = (await chunks.next()).value ?? '';
    expect(otherWorkRan).toBe(true);
    expect(second.trim().split('\n')).toHaveLength(5);
    expect((await chunks.next()).done).toBe(true);
    const references = `${first}${second}`.match(/BULK-\d+/g) ?? [];
    expect(new Set(references).size).toBe(EXPORT_CHUNK + 5);
  });

  it('keeps a small export per visibility, language and data version, and audits every download', async () => {
    const text = async (rows: AsyncGenerator<string>) => {
      let out = '';
      for await (const part of rows) out += part;
      return out;
    };
    const exports = async () =>
      Number((await rawClient().execute(`SELECT count(*) AS n FROM audit_log WHERE action = 'seizures.export'`)).rows[0]?.n);
    const zac = { filters: { state: ['MX-ZAC'] } };
    const audited = await exports();
    const hits = exportCacheStats.hits;
    const fgr = await text(exportCsv(zac, readers.fgr, 'en', { userId: readers.fgr.id }));
    expect(fgr).toContain('FGR-ONLY');
    // The same export again: the same bytes (as a fresh read of the database gives them), from the cache, audited again.
    expect(await text(exportCsv(zac, readers.fgr, 'en', { userId: readers.fgr.id }))).toBe(fgr);
    expect(exportCacheStats.hits).toBe(hits + 1);
    expect(await text(exportCsv(zac, readers.fgr, 'en', {}, rawClient()))).toBe(fgr);
    expect(await exports()).toBe(audited + 3);
    // Another visibility is not given what FGR may see; the other language has its own headers.
    const atf = await text(exportCsv(zac, readers.atf, 'en'));
    expect(atf).not.toContain('FGR-ONLY');
    const spanish = await text(exportCsv(zac, readers.fgr, 'es'));
    expect(spanish).toContain('FGR-ONLY');
    expect(spanish.split('\r\n')[0]).not.toBe(fgr.split('\r\n')[0]);
    expect(exportCacheStats.hits).toBe(hits + 1);
    // An import raises the data version: the next export reads the new seizure.
    const r = await importCsv(csv(row({ reference: 'ZAC-NEW', serial: 'ZN1', case_file: 'CF-Z', state: 'MX-ZAC' })), 'zac.csv');
    expect(r.ok).toBe(true);
    const after = await text(exportCsv(zac, readers.atf, 'en'));
    expect(after).toContain('ZAC-NEW');
    expect(exportCacheStats.hits).toBe(hits + 1);
  });
});
