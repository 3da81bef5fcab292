import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db.ts';

export type SqlValue = string | number | boolean | null;

/** SQLite allows 32,766 bound parameters per statement; stay well below. */
const MAX_PARAMS = 16_000;

/**
 * Multi-row INSERT in chunks: one statement per ~1,000 rows instead of one per row, which is
 * what makes a 300,000-row import fit in a few seconds through @libsql/client.
 * Table and column names are ours (constants), never user input.
 */
export async function insertRows(
  ex: Executor,
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
    for (const row of chunk) for (const v of row) params.push(typeof v === 'boolean' ? (v ? 1 : 0) : v);
    await runRaw(ex, head + chunk.map(() => rowTemplate).join(', '), params);
  }
}

/**
 * Runs SQL text with positional `?` parameters through drizzle (so it joins the caller's
 * transaction). Building a drizzle `sql` template per value is slow for 16k parameters, so
 * the statement is assembled from raw text chunks and parameter chunks directly.
 */
export async function runRaw(ex: Executor, text: string, params: readonly SqlValue[] = []): Promise<void> {
  await ex.run(toSql(text, params));
}

export async function allRaw<T>(ex: Executor, text: string, params: readonly SqlValue[] = []): Promise<T[]> {
  return (await ex.all(toSql(text, params))) as T[];
}

export function toSql(text: string, params: readonly SqlValue[]): SQL {
  const parts = text.split('?');
  if (parts.length - 1 !== params.length) throw new Error(`SQL expects ${parts.length - 1} parameters, got ${params.length}`);
  const chunks: SQL[] = [];
  parts.forEach((part, i) => {
    chunks.push(sql.raw(part));
    if (i < params.length) chunks.push(sql`${params[i]}`);
  });
  return sql.join(chunks);
}
