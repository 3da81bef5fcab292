/**
 * Data versions: a counter per kind of shared data, kept in the database so that every server
 * process agrees. Whoever writes that data calls `bumpDataVersion` in the same transaction (the
 * seizure store does for imports and the demo data, the FTS5 engine for reindexing; for 'threads'
 * (who may find a post) and 'thread_index' (the text of the thread index) triggers do, migrations
 * 0016 and 0017); caches of
 * anything derived from it key on `dataVersion`, so they are invalidated by the commit itself.
 */
import { config } from './config.ts';
import { rawClient } from './db.ts';
import { allRows, col, runRaw, type RawExec } from './sql.ts';

/** Kinds of data with a version. Add a name when a new cache depends on other data. */
export type DataName = 'seizures' | 'threads' | 'thread_index';

/** Marks `name` as changed; call it inside the transaction that changes the data. */
export async function bumpDataVersion(ex: RawExec, name: DataName): Promise<void> {
  await runRaw(
    ex,
    `INSERT INTO data_versions (name, version, changed_at) VALUES (?, 1, ?)
     ON CONFLICT (name) DO UPDATE SET version = version + 1, changed_at = excluded.changed_at`,
    [name, Date.now()],
  );
}

/** The current version of `name` (0 before its first change). One primary-key read. */
export async function dataVersion(name: DataName, ex: RawExec = rawClient()): Promise<number> {
  const [row] = await allRows(ex, { version: col.int }, 'SELECT version FROM data_versions WHERE name = ?', [name]);
  return row?.version ?? 0;
}

/**
 * One value derived from `name`'s data, per database: built on first use, shared by every caller
 * until the version changes. A failed build is not kept, so the next call tries again.
 */
export function perDataVersion<T>(name: DataName, build: (ex: RawExec, version: number) => Promise<T>) {
  const built = new Map<string, { version: number; value: Promise<T> }>();
  return {
    async get(ex: RawExec): Promise<T> {
      const version = await dataVersion(name, ex);
      const key = config.databaseUrl;
      const current = built.get(key);
      if (current && current.version === version) return current.value;
      const value = build(ex, version);
      built.set(key, { version, value });
      value.catch(() => {
        if (built.get(key)?.value === value) built.delete(key);
      });
      return value;
    },
    /** Forgets the value of this database (rebuilt on the next call). */
    forget(): void {
      built.delete(config.databaseUrl);
    },
    /** Forgets every database's value (tests that replace the database). */
    clear(): void {
      built.clear();
    },
  };
}
