import type { Client, InStatement, Transaction as LibsqlTransaction, Value } from '@libsql/client';
import { createTableRelationsHelpers, extractTablesRelationalConfig, type SQL } from 'drizzle-orm';
import { LibSQLDatabase } from 'drizzle-orm/libsql';
import { LibSQLSession } from 'drizzle-orm/libsql/session';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import * as schema from '#db/schema/index.ts';
import { rawClient, type Database } from '#src/server/db.ts';

export type SqlValue = string | number | boolean | null;

/**
 * What the search and seizure code runs SQL on: the libSQL client or one of its
 * transactions. Plain SQL text with `?` parameters, no query builder: building drizzle `sql`
 * objects for 300,000 rows cost ~7x the database time (measured: 2.35 s vs 0.35 s for 60k
 * firearm rows).
 */
export type RawExec = { execute(stmt: InStatement): ReturnType<Client['execute']> };

/** SQLite allows 32,766 bound parameters per statement; stay well below. */
const MAX_PARAMS = 16_000;

function args(params: readonly SqlValue[]): (string | number | null)[] {
  return params.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
}

const dialect = new SQLiteAsyncDialect();

/** A drizzle `sql` fragment as plain text with `?` parameters, for the raw queries above (rules written once, used by both). */
export function rawSql(fragment: SQL): { sql: string; params: SqlValue[] } {
  const q = dialect.sqlToQuery(fragment);
  return { sql: q.sql, params: q.params as SqlValue[] };
}

export async function runRaw(ex: RawExec, sql: string, params: readonly SqlValue[] = []): Promise<void> {
  await ex.execute({ sql, args: args(params) });
}

/** Decodes one column of a result row, or throws a RowShapeError naming the column. */
export type Column<T> = (value: Value | undefined, name: string) => T;
export type RowShape = Record<string, Column<unknown>>;
export type RowOf<S extends RowShape> = { [K in keyof S]: S[K] extends Column<infer T> ? T : never };

/** A row that is not what its query promised: a schema change or a query the code no longer matches. */
export class RowShapeError extends Error {
  override name = 'RowShapeError';
}

function unexpected(name: string, expected: string, value: Value | undefined): never {
  const got =
    value === undefined
      ? 'no such column'
      : value === null
        ? 'NULL'
        : typeof value === 'string'
          ? `text ${JSON.stringify(value.slice(0, 40))}`
          : typeof value === 'object'
            ? 'a blob'
            : `${typeof value} ${String(value)}`;
  throw new RowShapeError(`column "${name}": expected ${expected}, got ${got}`);
}

const int: Column<number> = (v, name) => {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)) return Number(v);
  return unexpected(name, 'an integer', v);
};
const num: Column<number> = (v, name) => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : unexpected(name, 'a number', v));
const text: Column<string> = (v, name) => (typeof v === 'string' ? v : unexpected(name, 'text', v));
const bool: Column<boolean> = (v, name) => (v === 0 || v === 1 ? v === 1 : unexpected(name, '0 or 1', v));
const orNull =
  <T>(column: Column<T>): Column<T | null> =>
  (v, name) =>
    v === null ? null : column(v, name);
const oneOf =
  <T extends string>(choices: readonly T[]): Column<T> =>
  (v, name) =>
    typeof v === 'string' && (choices as readonly string[]).includes(v) ? (v as T) : unexpected(name, `one of ${choices.join(', ')}`, v);

/**
 * Column decoders for allRows: each checks the value SQLite gave and types it, so a row's shape
 * is checked where it crosses into the domain instead of being asserted.
 */
export const col = {
  int,
  num,
  text,
  bool,
  oneOf,
  orNull,
  intOrNull: orNull(int),
  numOrNull: orNull(num),
  textOrNull: orNull(text),
};

/** The rows of a query, each column decoded by `shape` (the columns the query selects, by name). */
export async function allRows<S extends RowShape>(
  ex: RawExec,
  shape: S,
  sql: string,
  params: readonly SqlValue[] = [],
): Promise<RowOf<S>[]> {
  const rs = await ex.execute({ sql, args: args(params) });
  const names = Object.keys(shape);
  const decoders = names.map((n) => shape[n] as Column<unknown>);
  const out: RowOf<S>[] = [];
  for (const row of rs.rows) {
    const decoded: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      decoded[name] = (decoders[i] as Column<unknown>)(row[name], name);
    }
    // Every key of the shape was decoded by its own column type just above.
    out.push(decoded as RowOf<S>);
  }
  return out;
}

/**
 * Multi-row INSERT in chunks: one statement per ~1,000 rows instead of one per row.
 * Table and column names are ours (constants), never user input.
 */
export async function insertRows(
  ex: RawExec,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
  conflict = '',
): Promise<void> {
  if (rows.length === 0) return;
  const perChunk = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  const head = `INSERT ${conflict} INTO ${table} (${columns.join(', ')}) VALUES `;
  const rowTemplate = `(${columns.map(() => '?').join(', ')})`;
  for (let start = 0; start < rows.length; start += perChunk) {
    const chunk = rows.slice(start, start + perChunk);
    const params: SqlValue[] = [];
    for (const row of chunk) for (const v of row) params.push(v);
    await runRaw(ex, head + chunk.map(() => rowTemplate).join(', '), params);
  }
}

type RelationalSchema = ConstructorParameters<typeof LibSQLSession>[2] & {};
let relationalSchema: RelationalSchema | undefined;

/**
 * A drizzle handle over one libSQL transaction, as drizzle(tx, { schema }) builds it, but with the
 * schema's relational config worked out once per process: drizzle() works it out again on every
 * call, ~0.7 ms of CPU with every room's tables (measured per upload, twice per upload).
 */
function transactionDatabase(tx: LibsqlTransaction): Database {
  if (!relationalSchema) {
    const tables = extractTablesRelationalConfig(schema, createTableRelationsHelpers);
    relationalSchema = { fullSchema: schema, schema: tables.tables, tableNamesMap: tables.tableNamesMap };
  }
  // drizzle only calls execute/batch on its client, which a libSQL transaction provides.
  const client = tx as unknown as Client;
  const session = new LibSQLSession(client, dialect, relationalSchema, {}, undefined);
  return new LibSQLDatabase('async', dialect, session, relationalSchema) as unknown as Database;
}

/**
 * One write transaction on the libSQL client. `fn` gets the raw transaction for bulk SQL and
 * a drizzle handle over the same transaction for shared helpers such as audit().
 */
export async function writeTransaction<T>(fn: (raw: LibsqlTransaction, ex: Database) => Promise<T>): Promise<T> {
  const tx = await rawClient().transaction('write');
  try {
    const ex = transactionDatabase(tx);
    const result = await fn(tx, ex);
    await tx.commit();
    return result;
  } catch (e) {
    await tx.rollback();
    throw e;
  } finally {
    tx.close();
  }
}
