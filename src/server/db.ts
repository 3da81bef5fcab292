import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  createClient,
  type Client,
  type InArgs,
  type InStatement,
  type ResultSet,
  type Transaction as LibsqlTransaction,
  type TransactionMode,
} from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import * as schema from '#db/schema/index.ts';
import { config } from './config.ts';
import { onShutdown } from './lifecycle.ts';
import { StatementReader } from './read-statements.ts';

export type Database = LibSQLDatabase<typeof schema>;
/** The handle a transaction callback receives; functions that accept either take `Executor`. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
export type Executor = Database | Transaction;

let client: Client | undefined;
let database: Database | undefined;

/**
 * One writer at a time inside this process. The embedded libSQL driver runs SQL synchronously on
 * the event loop: a write that meets the write lock of a transaction held by *this* process waits
 * out busy_timeout (5 s) with the event loop stopped — the transaction cannot finish meanwhile —
 * and then fails with SQLITE_BUSY (measured: a notification sweep froze every request for 5 s).
 * Writes and write transactions therefore queue here, without blocking, until the lock is free.
 * Reads do not queue: in WAL mode they never wait for a writer. If the gate is held longer than
 * WRITE_GATE_WAIT_MS (a transaction that is never closed), a writer goes ahead and SQLite decides.
 */
const WRITE_GATE_WAIT_MS = 10_000;
let gateTail: Promise<void> = Promise.resolve();

function enterWriteGate(): Promise<() => void> {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  const previous = gateTail;
  gateTail = previous.then(() => done);
  let timer: NodeJS.Timeout | undefined;
  const waitedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, WRITE_GATE_WAIT_MS)));
  let gotIt = false;
  return Promise.race([previous.then(() => (gotIt = true)), waitedOut]).then(() => {
    clearTimeout(timer);
    if (!gotIt) console.warn(`database write waited ${WRITE_GATE_WAIT_MS} ms for a transaction of this process; going ahead`);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  });
}

/** Statements that only read (SELECT, VALUES, or a WITH … SELECT without a write in it). */
export function isReadOnlySql(sql: string): boolean {
  const head = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase();
  if (head === 'SELECT' || head === 'VALUES') return true;
  return head === 'WITH' && !/\b(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(sql);
}

function statementSql(stmt: InStatement): string {
  return typeof stmt === 'string' ? stmt : stmt.sql;
}

async function gated<T>(run: () => Promise<T>): Promise<T> {
  const release = await enterWriteGate();
  try {
    return await run();
  } finally {
    release();
  }
}

/** Reads outside transactions on the embedded file, with their prepared statements kept (read-statements.ts). */
let reader: StatementReader | undefined;

/** A read answered by the statement reader, or null when the client must answer it. */
function readHere(stmt: InStatement, args: InArgs | undefined): ResultSet | null {
  if (!reader) return null;
  const given = typeof stmt === 'string' ? (args ?? []) : (stmt.args ?? []);
  if (!Array.isArray(given)) return null;
  try {
    return reader.execute(statementSql(stmt), given);
  } catch {
    // The client runs it again and reports the error as callers know it.
    return null;
  }
}

/**
 * The client with every write going through the gate (a write transaction holds it until it
 * ends), and reads on the embedded file answered by the statement reader.
 */
function withWriteGate(client: Client): Client {
  return new Proxy(client, {
    get(target, property) {
      switch (property) {
        case 'execute':
          return (stmt: InStatement, args?: InArgs) => {
            if (!isReadOnlySql(statementSql(stmt))) return gated(() => target.execute(stmt as string, args));
            const here = readHere(stmt, args);
            return here ? Promise.resolve(here) : target.execute(stmt as string, args);
          };
        case 'batch':
          return (stmts: InStatement[], mode?: TransactionMode) =>
            mode === 'read' || stmts.every((st) => isReadOnlySql(statementSql(st)))
              ? target.batch(stmts, mode)
              : gated(() => target.batch(stmts, mode));
        case 'migrate':
          return (stmts: InStatement[]) => gated(() => target.migrate(stmts));
        case 'executeMultiple':
          return (sql: string) => gated(() => target.executeMultiple(sql));
        case 'transaction':
          return async (mode?: TransactionMode) => {
            if (mode === 'read') return target.transaction(mode);
            const release = await enterWriteGate();
            try {
              const tx = await target.transaction(mode);
              return releasingTransaction(tx, release);
            } catch (error) {
              release();
              throw error;
            }
          };
        default: {
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        }
      }
    },
  });
}

function releasingTransaction(tx: LibsqlTransaction, release: () => void): LibsqlTransaction {
  return new Proxy(tx, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const bound = (value as (...a: unknown[]) => unknown).bind(target);
      if (property === 'close') {
        return () => {
          try {
            return bound();
          } finally {
            release();
          }
        };
      }
      if (property === 'commit' || property === 'rollback') {
        return async () => {
          try {
            return await bound();
          } finally {
            release();
          }
        };
      }
      return bound;
    },
  });
}

function openClient(url: string): Client {
  if (url.startsWith('file:')) {
    // The embedded file lives under data/ by default: create the folder on first start.
    const path = url.slice('file:'.length).split('?')[0] ?? '';
    if (path && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  }
  // timeout: how long a connection waits on a lock held by another process (busy_timeout).
  const client = withWriteGate(createClient({ url, authToken: config.databaseAuthToken, timeout: 5000 }));
  const path = url.startsWith('file:') ? (url.slice('file:'.length).split('?')[0] ?? '') : '';
  // After the client opened (and created) the file.
  if (path && path !== ':memory:') reader = new StatementReader(path);
  return client;
}

/** The one database handle of this process. */
export function db(): Database {
  if (!database) {
    const url = config.databaseUrl;
    client = openClient(url);
    database = drizzle(client, { schema });
    // A server that stops closes the file properly (WAL checkpoint) after its last request.
    onShutdown(closeDb, 'close');
  }
  return database;
}

export function rawClient(): Client {
  db();
  return client as Client;
}

export function closeDb(): void {
  reader?.close();
  reader = undefined;
  client?.close();
  client = undefined;
  database = undefined;
}

/** For the health check: true when a trivial query on the agencies table answers. */
export async function databaseReachable(): Promise<boolean> {
  try {
    await rawClient().execute('SELECT count(*) FROM agencies');
    return true;
  } catch {
    return false;
  }
}
