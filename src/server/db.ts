import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import * as schema from '#db/schema/index.ts';
import { config } from './config.ts';
import { onShutdown } from './lifecycle.ts';

export type Database = LibSQLDatabase<typeof schema>;
/** The handle a transaction callback receives; functions that accept either take `Executor`. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
export type Executor = Database | Transaction;

let client: Client | undefined;
let database: Database | undefined;

function openClient(url: string): Client {
  if (url.startsWith('file:')) {
    // The embedded file lives under data/ by default: create the folder on first start.
    const path = url.slice('file:'.length).split('?')[0] ?? '';
    if (path && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  }
  // timeout: how long a connection waits on a lock held by another process (busy_timeout).
  return createClient({ url, authToken: config.databaseAuthToken, timeout: 5000 });
}

/** The one database handle of this process. */
export function db(): Database {
  if (!database) {
    const url = config.databaseUrl;
    client = openClient(url);
    database = drizzle(client, { schema });
    // A server that stops closes the file properly (WAL checkpoint) after its last request.
    onShutdown(closeDb);
  }
  return database;
}

export function rawClient(): Client {
  db();
  return client as Client;
}

export function closeDb(): void {
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
