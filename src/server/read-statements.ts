/**
 * The request thread's reads outside transactions, on a connection of their own that keeps its
 * prepared statements (by SQL text). @libsql/client prepares every statement anew and asks for
 * its column list twice per execution: under the forum's page mix (the same ~15 statements on
 * every page) preparation was ~9 % of the server's CPU and the column lists ~3 %.
 *
 * Answers exactly as the client does (same rows: values by position and by column name, integers
 * as numbers, the same RangeError for one beyond 2^53); anything else (named or unusual arguments)
 * and any error go to the client, so its errors stay what callers know. In WAL mode this
 * connection sees what the client's would (every committed write); db.ts sends only reads here,
 * and a transaction's reads stay on the transaction.
 */
import type { ResultSet, Row, Value } from '@libsql/client';
import Database from 'libsql';

/** The page mix repeats a few dozen statements; a query built from input must not grow this without bound. */
const MAX_STATEMENTS = 300;

type Connection = InstanceType<typeof Database>;

interface Prepared {
  statement: ReturnType<Connection['prepare']>;
  columns: string[];
  /** Rows of this statement: index getters on a prototype, so a row is one object with named fields. */
  makeRow: (values: unknown[]) => Row;
}

/** How many statements ran here, and how many were prepared (tests, benchmarks). */
export const readStatementStats = { executed: 0, prepared: 0 };

function valueOf(v: unknown): Value {
  if (typeof v === 'bigint') {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER))
      throw new RangeError('Received integer which cannot be safely represented as a JavaScript number');
    return Number(v);
  }
  // As the client gives blobs.
  if (v instanceof Buffer) return v.buffer as ArrayBuffer;
  return v as Value;
}

/**
 * A row as the client builds it (values by position, not enumerable, and by the first column of
 * each name, enumerable; a non-enumerable length), from a prototype per statement instead of a
 * property definition per value. Positions read the stored values, so they stay the query's
 * even where two columns share a name.
 */
export function rowMaker(columns: string[]): (values: unknown[]) => Row {
  const named: [string, number][] = [];
  const seen = new Set<string>();
  columns.forEach((name, i) => {
    if (seen.has(name)) return;
    seen.add(name);
    named.push([name, i]);
  });
  class StatementRow {
    // Private: not a key, not copied by a spread, not in JSON.
    readonly #values: Value[];
    constructor(values: Value[]) {
      this.#values = values;
      const self = this as unknown as Record<string, Value>;
      for (const [name, i] of named) self[name] = values[i] as Value;
    }
    static at(row: StatementRow, i: number): Value {
      return row.#values[i] as Value;
    }
  }
  Object.defineProperty(StatementRow.prototype, 'length', { value: columns.length });
  for (let i = 0; i < columns.length; i++)
    Object.defineProperty(StatementRow.prototype, i, {
      get(this: StatementRow) {
        return StatementRow.at(this, i);
      },
    });
  return (raw) => new StatementRow(raw.map(valueOf)) as unknown as Row;
}

/** A read's answer in the client's shape, from its rows (read-pool.ts builds its answers here too). */
export function readResultSet(columns: string[], rows: Row[]): ResultSet {
  return {
    columns,
    columnTypes: columns.map(() => ''),
    rows,
    rowsAffected: 0,
    lastInsertRowid: undefined,
    toJSON: () => ({ columns, rows: rows.map((r) => Array.prototype.slice.call(r) as Value[]) }),
  };
}

export class StatementReader {
  private readonly connection: Connection;
  private readonly prepared = new Map<string, Prepared>();

  constructor(path: string) {
    this.connection = new Database(path, { readonly: true, timeout: 5000 });
  }

  private statement(sql: string): Prepared {
    let p = this.prepared.get(sql);
    if (p) {
      // Most recently used last.
      this.prepared.delete(sql);
      this.prepared.set(sql, p);
      return p;
    }
    const statement = this.connection.prepare(sql);
    statement.safeIntegers(true);
    statement.raw(true);
    const columns = statement.columns().map((c) => c.name);
    p = { statement, columns, makeRow: rowMaker(columns) };
    readStatementStats.prepared++;
    this.prepared.set(sql, p);
    if (this.prepared.size > MAX_STATEMENTS) this.prepared.delete(this.prepared.keys().next().value as string);
    return p;
  }

  /** The rows of a read, or null when the client must run it (arguments it alone converts). */
  execute(sql: string, args: readonly unknown[]): ResultSet | null {
    for (const a of args) {
      const t = typeof a;
      if (!(a === null || t === 'string' || t === 'bigint' || (t === 'number' && Number.isFinite(a)))) return null;
    }
    const p = this.statement(sql);
    const raw = p.statement.all(args) as unknown[][];
    readStatementStats.executed++;
    return readResultSet(p.columns, raw.map(p.makeRow));
  }

  close(): void {
    this.prepared.clear();
    this.connection.close();
  }
}
