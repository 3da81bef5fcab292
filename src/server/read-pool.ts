/**
 * Read-only SQL off the request thread. The embedded libSQL driver runs every statement
 * synchronously on the event loop (STACK-NOTES #18): a search's ranking and facet tally, or a CSV
 * export's rows, hold every other request of the process while they run. Here such statements
 * run on a small pool of worker threads, each with its own read-only connection to the same
 * database file (WAL: readers never wait for the writer, and see every committed write), while
 * the request thread serves others.
 *
 * Workers only run the SQL they are given: the caller builds it, access rules included
 * (src/server/access.ts decides, as everywhere). Only reads go to a worker (a statement that
 * could write is refused there: the connection is read-only); a transaction's reads stay on
 * the transaction. Embedded databases only: a libSQL server is reached asynchronously anyway.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { InStatement, ResultSet, Value } from '@libsql/client';
import { config } from './config.ts';
import { isReadOnlySql, rawClient } from './db.ts';
import { onShutdown } from './lifecycle.ts';
import { readResultSet, rowMaker } from './read-statements.ts';
import type { RawExec } from './sql.ts';

type Arg = string | number | bigint | null | ArrayBuffer | Uint8Array;
interface Job {
  resolve: (rs: ResultSet) => void;
  reject: (error: Error) => void;
}
interface Answer {
  id: number;
  columns?: string[];
  rows?: Value[][];
  error?: { message: string; code?: string };
}

// The worker is plain JavaScript run from this string: the build bundles this module, so a worker
// file beside it would not exist in dist/. It loads the `libsql` package by the path resolved here.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.libsql);
const db = new Database(workerData.path, { readonly: true, timeout: 5000 });
// Prepared statements by SQL text: the page mix repeats the same few dozen statements.
const prepared = new Map();
function statement(sql) {
  let st = prepared.get(sql);
  if (st) { prepared.delete(sql); prepared.set(sql, st); return st; }
  st = db.prepare(sql);
  st.raw(true);
  prepared.set(sql, st);
  if (prepared.size > 200) prepared.delete(prepared.keys().next().value);
  return st;
}
parentPort.on('message', ({ id, sql, args }) => {
  try {
    const st = statement(sql);
    const columns = st.columns().map((c) => c.name);
    const rows = st.all(args);
    for (const row of rows)
      for (let i = 0; i < row.length; i++) {
        const v = row[i];
        if (v instanceof Uint8Array) row[i] = v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength);
      }
    parentPort.postMessage({ id, columns, rows });
  } catch (e) {
    parentPort.postMessage({ id, error: { message: String(e && e.message || e), code: e && e.code } });
  }
});
`;

/** How many statements the workers have run (tests: proof that the work left the request thread). */
export const readPoolStats = { statements: 0 };

class ReadWorker {
  readonly worker: Worker;
  readonly jobs = new Map<number, Job>();
  private nextId = 1;

  constructor(path: string, libsql: string) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, libsql } });
    // Idle workers do not keep a command-line script alive; busy ones do (see run).
    this.worker.unref();
    this.worker.on('message', (answer: Answer) => this.answer(answer));
    this.worker.on('error', (error: Error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`read worker stopped (exit code ${code})`)));
  }

  run(sql: string, args: Arg[]): Promise<ResultSet> {
    const id = this.nextId++;
    if (this.jobs.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      this.worker.postMessage({ id, sql, args });
    });
  }

  private answer({ id, columns, rows, error }: Answer): void {
    const job = this.jobs.get(id);
    if (!job) return;
    this.jobs.delete(id);
    if (this.jobs.size === 0) this.worker.unref();
    readPoolStats.statements++;
    if (error) {
      job.reject(Object.assign(new Error(error.message), { code: error.code }));
      return;
    }
    const names = columns ?? [];
    job.resolve(readResultSet(names, (rows ?? []).map(rowMaker(names))));
  }

  private failAll(error: Error): void {
    for (const job of this.jobs.values()) job.reject(error);
    this.jobs.clear();
    dead.add(this);
  }
}

let pool: { url: string; workers: ReadWorker[] } | undefined;
const dead = new Set<ReadWorker>();
let turn = 0;

function embeddedPath(url: string): string | null {
  if (!url.startsWith('file:')) return null;
  const path = url.slice('file:'.length).split('?')[0] ?? '';
  return path && path !== ':memory:' ? path : null;
}

/** Stops the workers (the server's shutdown; tests that switch databases). */
export async function closeReadPool(): Promise<void> {
  const workers = pool?.workers ?? [];
  pool = undefined;
  await Promise.all(workers.map((w) => w.worker.terminate()));
}

function workersFor(url: string): ReadWorker[] | null {
  const size = config.readWorkers;
  const path = embeddedPath(url);
  if (!size || !path) return null;
  if (pool && pool.url !== url) void closeReadPool();
  if (!pool) {
    const libsql = createRequire(import.meta.url).resolve('libsql');
    pool = { url, workers: Array.from({ length: size }, () => new ReadWorker(path, libsql)) };
    onShutdown(closeReadPool, 'close');
  }
  // A worker that died is replaced (its callers got the error).
  if (dead.size) {
    const libsql = createRequire(import.meta.url).resolve('libsql');
    pool.workers = pool.workers.map((w) => (dead.has(w) ? new ReadWorker(path, libsql) : w));
    dead.clear();
  }
  return pool.workers;
}

function argOf(value: unknown): Arg {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.getTime();
  return value as Arg;
}

/**
 * An executor for read-only SQL that runs it on a worker thread (the least busy one); anything
 * else, and everything when READ_WORKERS is 0 or the database is not an embedded file, runs on
 * the process's own client as before.
 */
export function readExec(): RawExec {
  return {
    execute(stmt: InStatement) {
      const sql = typeof stmt === 'string' ? stmt : stmt.sql;
      const workers = isReadOnlySql(sql) ? workersFor(config.databaseUrl) : null;
      const given = typeof stmt === 'string' ? [] : stmt.args;
      if (!workers || (given && !Array.isArray(given))) return rawClient().execute(stmt);
      let chosen = workers[turn++ % workers.length] as ReadWorker;
      for (const w of workers) if (w.jobs.size < chosen.jobs.size) chosen = w;
      return chosen.run(sql, ((given as unknown[] | undefined) ?? []).map(argOf));
    },
  };
}
