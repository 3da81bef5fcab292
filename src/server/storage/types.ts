import type { Readable } from 'node:stream';

export interface PutOptions {
  /**
   * The source's bytes are already on disk (its writer fsynced it, as the upload intake does): the
   * local store links it into place without syncing the same bytes a second time.
   */
  synced?: boolean;
}

/** One object of the store, as a listing shows it. */
export interface StoredObject {
  key: string;
  size: number;
  modifiedAt: Date;
}

/**
 * Where the bytes of documents live: local disk (default) or S3-compatible object storage.
 * Keys are ours (`sha256/<hex>`, `thumb/<hex>`), never user input. Both implementations pass
 * tests/unit/storage-contract.test.ts.
 */
export interface FileStore {
  readonly kind: 'local' | 's3';
  /**
   * Stores the file at `sourcePath` (a finished temp file) under `key`, atomically: readers see
   * the old object or the whole new one, never part of it. The source file is left in place.
   * Once it resolves, the object survives a crash.
   */
  put(key: string, sourcePath: string, options?: PutOptions): Promise<void>;
  /** The object's bytes as a stream, or null when there is no such object. */
  get(key: string): Promise<Readable | null>;
  stat(key: string): Promise<StoredObject | null>;
  /** Removes the object; removing a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix`. */
  list(prefix: string): AsyncIterable<StoredObject>;
}

export const blobKey = (sha256: string): string => `sha256/${sha256}`;
export const thumbnailKey = (sha256: string): string => `thumb/${sha256}`;
