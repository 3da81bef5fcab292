import { createClient, type Client } from '@libsql/client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRows, col, RowShapeError } from '#src/server/sql.ts';

// A bare libSQL file: this tests the row decoding itself, not our schema.
let client: Client;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'armas-rows-'));
  client = createClient({ url: `file:${join(dir, 'rows.db')}` });
  await client.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, kind TEXT, flag INTEGER, ratio REAL)');
  await client.execute("INSERT INTO t VALUES (1, 'Glock', 'pistol', 1, 0.5), (2, NULL, 'rifle', 0, NULL)");
});

afterAll(() => {
  client.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('allRows', () => {
  it('decodes each column to its type (integers, text or null, an enum, 0/1 as boolean, real or null)', async () => {
    const rows = await allRows(
      client,
      { id: col.int, name: col.textOrNull, kind: col.oneOf(['pistol', 'rifle'] as const), flag: col.bool, ratio: col.numOrNull },
      'SELECT id, name, kind, flag, ratio FROM t ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 1, name: 'Glock', kind: 'pistol', flag: true, ratio: 0.5 },
      { id: 2, name: null, kind: 'rifle', flag: false, ratio: null },
    ]);
  });

  it('keeps only the columns of the shape', async () => {
    const [row] = await allRows(client, { id: col.int }, 'SELECT * FROM t WHERE id = ?', [1]);
    expect(row).toEqual({ id: 1 });
  });

  it('refuses a row that is not what the query promised, naming the column and what it got', async () => {
    const failure = (shape: Parameters<typeof allRows>[1], sql: string) =>
      allRows(client, shape, sql).then(
        () => null,
        (e: unknown) => e,
      );
    const nullName = await failure({ name: col.text }, 'SELECT name FROM t WHERE id = 2');
    expect(nullName).toBeInstanceOf(RowShapeError);
    expect(String(nullName)).toContain('column "name": expected text, got NULL');
    expect(String(await failure({ kind: col.oneOf(['pistol'] as const) }, 'SELECT kind FROM t WHERE id = 2'))).toContain(
      'column "kind": expected one of pistol, got text "rifle"',
    );
    expect(String(await failure({ id: col.int }, "SELECT 'x' AS id"))).toContain('column "id": expected an integer, got text "x"');
    expect(String(await failure({ ratio: col.int }, 'SELECT ratio FROM t WHERE id = 1'))).toContain('expected an integer, got number 0.5');
    expect(String(await failure({ missing: col.int }, 'SELECT id FROM t'))).toContain(
      'column "missing": expected an integer, got no such column',
    );
    expect(String(await failure({ flag: col.bool }, 'SELECT 2 AS flag'))).toContain('column "flag": expected 0 or 1, got number 2');
  });
});
